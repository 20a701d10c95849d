"""Community mediators: who helped a resident send a proposal; residents' deletion requests

Revision ID: 50d5be9a3d00
Revises: e3b2dc481d53
Create Date: 2026-12-03 11:34:41.120920

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '50d5be9a3d00'
down_revision = 'e3b2dc481d53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('reference', sa.String(length=8), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_deletion_requests_completed_by_id_users')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_deletion_requests_council_id_councils')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_deletion_requests_proposal_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_requests'))
    )
    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deletion_requests_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deletion_requests_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deletion_requests_requested_at'), ['requested_at'], unique=False)

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('helped_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('received_as', sa.Enum('conversation', 'paper', name='proposal_received_as', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('resident_lang', sa.String(length=16), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_proposals_helped_by_id'), ['helped_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proposals_helped_by_id_memberships'), 'memberships', ['helped_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_helped_by_id_memberships'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposals_helped_by_id'))
        batch_op.drop_column('resident_lang')
        batch_op.drop_column('received_as')
        batch_op.drop_column('helped_by_id')

    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletion_requests_requested_at'))
        batch_op.drop_index(batch_op.f('ix_deletion_requests_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_deletion_requests_council_id'))

    op.drop_table('deletion_requests')
