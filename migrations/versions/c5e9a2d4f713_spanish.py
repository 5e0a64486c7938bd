"""interface language and crisis lines in Spanish

Members may choose the interface language on their account page (user.language). Each crisis line
says which languages it answers in (hotline.languages), so a reader's own come first. A deployment
that already seeded its lines gets the Spanish-language ones added: 988's Spanish option in the
United States, Spain's 024 and Mexico's Línea de la Vida, each with its emergency number.

Revision ID: c5e9a2d4f713
Revises: f4b2c8e1a637
Create Date: 2026-12-05 00:30:00.000000

"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e9a2d4f713'
down_revision = 'f4b2c8e1a637'
branch_labels = None
depends_on = None

CHECKED = date(2026, 12, 5)
SPANISH_LINES = (
    dict(region='US', position=5, is_primary=True, name='988 Lifeline en español',
         description='Llama al 988 y marca 2, o envía AYUDA por mensaje de texto al 988. Gratis, confidencial, '
         'las 24 horas.', phone='988', sms_number='988', sms_body='AYUDA', url='https://988lifeline.org'),
    dict(region='ES', position=1, is_primary=True, name='Línea 024 de atención a la conducta suicida',
         description='Gratuita, confidencial y anónima, las 24 horas, todos los días. También para familiares '
         'y allegados.', phone='024', sms_number='', sms_body='', url=''),
    dict(region='ES', position=2, is_primary=False, name='Emergencias',
         description='Si tú o alguien cerca de ti está en peligro inmediato.', phone='112', sms_number='',
         sms_body='', url=''),
    dict(region='MX', position=1, is_primary=True, name='Línea de la Vida',
         description='Orientación y apoyo en salud mental y adicciones, gratuita, las 24 horas, los 365 días '
         'del año.', phone='800 911 2000', sms_number='', sms_body='', url=''),
    dict(region='MX', position=2, is_primary=False, name='Emergencias',
         description='Si tú o alguien cerca de ti está en peligro inmediato.', phone='911', sms_number='',
         sms_body='', url=''),
)


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
    with op.batch_alter_table('hotline') as batch:
        batch.add_column(sa.Column('languages', sa.String(length=40), nullable=False, server_default='en'))
    hotline = sa.table(
        'hotline',
        *(sa.column(name) for name in ('region', 'position', 'is_primary', 'name', 'description', 'phone',
                                       'sms_number', 'sms_body', 'url', 'languages', 'last_checked')),
    )
    bind = op.get_bind()
    op.execute(hotline.update().where(hotline.c.name == 'SAMHSA National Helpline').values(languages='en es'))
    # A fresh database has no lines yet: `flask seed` adds them all. One seeded before gets the new ones.
    if bind.execute(sa.select(sa.func.count()).select_from(hotline)).scalar():
        op.bulk_insert(
            hotline,
            [{**line, 'languages': 'es en' if line['phone'] == '112' else 'es', 'last_checked': CHECKED}
             for line in SPANISH_LINES],
        )


def downgrade():
    hotline = sa.table('hotline', sa.column('region'), sa.column('name'))
    op.execute(hotline.delete().where(hotline.c.region.in_(('ES', 'MX'))))
    op.execute(hotline.delete().where(hotline.c.name == '988 Lifeline en español'))
    with op.batch_alter_table('hotline') as batch:
        batch.drop_column('languages')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('language')
