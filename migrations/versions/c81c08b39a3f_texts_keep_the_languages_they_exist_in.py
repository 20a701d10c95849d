"""Texts keep the languages they exist in

Each record the translators' worklist lists keeps, in `translated_into`, the languages every one
of its translated texts exists in (" ar en fr "; "*" when it has nothing to translate), filled
here from the texts already stored. The app keeps it up to date as records are written. Two
indexes let the worklist find proposals and walk their answers without reading the rows.

Revision ID: c81c08b39a3f
Revises: 6d9e6b9d9609
Create Date: 2026-12-03 18:13:17.681709

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c81c08b39a3f'
down_revision = '6d9e6b9d9609'
branch_labels = None
depends_on = None

# The translated (JSON) columns of each table, as they are at this revision.
TEXTS = {
    'meetings': ('title', 'description', 'accessibility_notes', 'cancel_reason'),
    'agenda_items': ('title', 'description'),
    'polls': ('question',),
    'poll_options': ('label',),
    'outcomes': ('summary',),
    'proposals': ('title', 'body'),
    'proposal_events': ('answer',),
    'minutes': ('body',),
    'consultations': ('title', 'intro', 'answer'),
    'consultation_questions': ('text', 'hint'),
    'consultation_options': ('label',),
}
RESERVED = {'original', 'machine', 'meta'}


def _languages(values):
    """The same rule as app.i18n.translated_into, on the stored JSON."""
    found = []
    for value in values:
        if not value:
            continue
        texts = {key for key, text in value.items() if key not in RESERVED and text}
        if value.get(value.get('original', 'en')):
            found.append(texts)
    if not found:
        return '*'
    return ' ' + ' '.join(sorted(set.intersection(*found))) + ' '


def upgrade():
    connection = op.get_bind()
    for name, columns in TEXTS.items():
        # Plain ALTER TABLE (no batch rebuild): the proposals' search triggers stay in place.
        op.add_column(
            name, sa.Column('translated_into', sa.String(length=200), server_default='', nullable=False)
        )
        table = sa.table(
            name,
            sa.column('id', sa.Integer),
            sa.column('translated_into', sa.String),
            *(sa.column(column, sa.JSON) for column in columns),
        )
        rows = connection.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
        changes = [{'row_id': row[0], 'languages': _languages(row[1:])} for row in rows]
        if changes:
            connection.execute(
                table.update()
                .where(table.c.id == sa.bindparam('row_id'))
                .values(translated_into=sa.bindparam('languages')),
                changes,
            )
    op.create_index(
        'ix_proposals_to_translate',
        'proposals',
        ['council_id', 'translated_into', 'state', 'translators_asked_at', 'created_at', 'agenda_item_id'],
    )
    op.create_index(
        'ix_proposal_events_to_translate',
        'proposal_events',
        ['at', 'public', 'translated_into', 'proposal_id'],
    )


def downgrade():
    op.drop_index('ix_proposal_events_to_translate', table_name='proposal_events')
    op.drop_index('ix_proposals_to_translate', table_name='proposals')
    for name in reversed(TEXTS):
        op.drop_column(name, 'translated_into')
