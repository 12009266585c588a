"""campaigns, applications, ledger, notifications

New NOT NULL columns get server defaults so existing rows migrate; CHECKs written by hand.

Revision ID: e4ea67b149b5
Revises: 095da1879384
Create Date: 2026-11-23 11:44:26.226143

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4ea67b149b5'
down_revision = '095da1879384'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minimum_payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('minimum_minor', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minimum_minor >= 0', name=op.f('ck_minimum_payouts_minimum_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minimum_payouts')),
    sa.UniqueConstraint('currency', name=op.f('uq_minimum_payouts_currency'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('pitch', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'withdrawn', 'completed')", name=op.f('ck_applications_status')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_applications_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_applications_creator_id_creators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('campaign_id', 'creator_id', name='uq_applications_campaign_creator')
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_creator_id'), ['creator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('campaign_countries',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_countries_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'country', name=op.f('pk_campaign_countries'))
    )
    with op.batch_alter_table('campaign_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_countries_country'), ['country'], unique=False)

    op.create_table('campaign_niches',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('niche', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_niches_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'niche', name=op.f('pk_campaign_niches'))
    )
    with op.batch_alter_table('campaign_niches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_niches_niche'), ['niche'], unique=False)

    op.create_table('ledger_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ledger_transactions_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_ledger_transactions_application_id_applications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_ledger_transactions_campaign_id_campaigns'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('reference', name=op.f('uq_ledger_transactions_reference'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_transactions_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_transactions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=64), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entries_account_currency', ['account', 'currency'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_transaction_id'), ['transaction_id'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_category', sa.String(length=32), nullable=False, server_default=sa.text("'lifestyle'")))
        batch_op.add_column(sa.Column('on_instagram', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('on_tiktok', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('required_hashtags', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('required_mentions', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('disclosure_required', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('disclosure_locale', sa.String(length=8), nullable=False, server_default=sa.text("'us'")))
        batch_op.add_column(sa.Column('fee_per_post_minor', sa.BigInteger(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('fee_basis_points', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('application_deadline', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posting_starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posting_ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('min_live_days', sa.Integer(), nullable=False, server_default=sa.text('7')))
        batch_op.add_column(sa.Column('min_followers', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.add_column(sa.Column('dos', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('donts', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('drafts_need_approval', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.create_index(batch_op.f('ix_campaigns_application_deadline'), ['application_deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_currency'), ['currency'], unique=False)
        batch_op.create_index('ix_campaigns_marketplace', ['status', 'currency', 'payout_minor'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_min_followers'), ['min_followers'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_on_instagram'), ['on_instagram'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_on_tiktok'), ['on_tiktok'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_product_category'), ['product_category'], unique=False)
        batch_op.create_check_constraint(op.f('ck_campaigns_fee_not_negative'), 'fee_per_post_minor >= 0')
        batch_op.create_check_constraint(op.f('ck_campaigns_min_live_days_not_negative'), 'min_live_days >= 0')
        batch_op.create_check_constraint(op.f('ck_campaigns_min_followers_not_negative'), 'min_followers >= 0')
        batch_op.create_check_constraint(op.f('ck_campaigns_has_platform'), 'on_instagram OR on_tiktok')

    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bio', sa.Text(), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('instagram_handle', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('tiktok_handle', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('followers', sa.Integer(), nullable=False, server_default=sa.text('0')))
        batch_op.create_check_constraint(op.f('ck_creators_followers_not_negative'), 'followers >= 0')



def downgrade():
    with op.batch_alter_table('creators', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_creators_followers_not_negative'), type_='check')
        batch_op.drop_column('followers')
        batch_op.drop_column('tiktok_handle')
        batch_op.drop_column('instagram_handle')
        batch_op.drop_column('bio')

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        for name in ('has_platform', 'min_followers_not_negative', 'min_live_days_not_negative', 'fee_not_negative'):
            batch_op.drop_constraint(op.f(f'ck_campaigns_{name}'), type_='check')
        batch_op.drop_index(batch_op.f('ix_campaigns_product_category'))
        batch_op.drop_index(batch_op.f('ix_campaigns_on_tiktok'))
        batch_op.drop_index(batch_op.f('ix_campaigns_on_instagram'))
        batch_op.drop_index(batch_op.f('ix_campaigns_min_followers'))
        batch_op.drop_index('ix_campaigns_marketplace')
        batch_op.drop_index(batch_op.f('ix_campaigns_currency'))
        batch_op.drop_index(batch_op.f('ix_campaigns_created_at'))
        batch_op.drop_index(batch_op.f('ix_campaigns_application_deadline'))
        batch_op.drop_column('search_text')
        batch_op.drop_column('drafts_need_approval')
        batch_op.drop_column('donts')
        batch_op.drop_column('dos')
        batch_op.drop_column('min_followers')
        batch_op.drop_column('min_live_days')
        batch_op.drop_column('posting_ends_at')
        batch_op.drop_column('posting_starts_at')
        batch_op.drop_column('application_deadline')
        batch_op.drop_column('fee_basis_points')
        batch_op.drop_column('fee_per_post_minor')
        batch_op.drop_column('disclosure_locale')
        batch_op.drop_column('disclosure_required')
        batch_op.drop_column('required_mentions')
        batch_op.drop_column('required_hashtags')
        batch_op.drop_column('on_tiktok')
        batch_op.drop_column('on_instagram')
        batch_op.drop_column('product_category')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_transaction_id'))
        batch_op.drop_index('ix_ledger_entries_account_currency')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_application_id'))

    op.drop_table('ledger_transactions')
    with op.batch_alter_table('campaign_niches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_niches_niche'))

    op.drop_table('campaign_niches')
    with op.batch_alter_table('campaign_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_countries_country'))

    op.drop_table('campaign_countries')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_creator_id'))
        batch_op.drop_index(batch_op.f('ix_applications_campaign_id'))

    op.drop_table('applications')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    op.drop_table('minimum_payouts')
