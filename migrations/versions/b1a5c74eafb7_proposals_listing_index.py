"""The public list of proposals walks an index (council, newest first, with the filters)

Revision ID: b1a5c74eafb7
Revises: 50d5be9a3d00
Create Date: 2026-12-03 14:58:49.448948

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b1a5c74eafb7'
down_revision = '50d5be9a3d00'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(
            'ix_proposals_listing',
            ['council_id', 'created_at', 'id', 'state', 'topic', 'lang'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_proposals_listing')
