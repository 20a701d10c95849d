"""drafts and proposals under review that the council shares with its translators

Revision ID: ee80d73fbebf
Revises: 56c2bb64f2c1
Create Date: 2026-12-02 13:29:23.282265

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ee80d73fbebf'
down_revision = '56c2bb64f2c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translators_asked_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translators_asked_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_column('translators_asked_at')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('translators_asked_at')
