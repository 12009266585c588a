"""one post counts for one submission

A partial UNIQUE index on submissions (platform, post_id) while the submission still counts (not
failed, rejected or taken down), so the same post cannot be paid in two campaigns. Posts already
submitted twice stop the upgrade with their submission ids: reject one of each pair first.

Revision ID: 24ea1fe04525
Revises: 599a99f755ad
Create Date: 2026-11-23 14:30:38.839188

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '24ea1fe04525'
down_revision = '599a99f755ad'
branch_labels = None
depends_on = None

COUNTED = "post_id IS NOT NULL AND status NOT IN ('failed', 'rejected', 'taken_down')"


def upgrade():
    _refuse_existing_duplicates()
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('uq_submissions_platform_post_id', ['platform', 'post_id'], unique=True,
                              sqlite_where=sa.text(COUNTED), postgresql_where=sa.text(COUNTED))


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('uq_submissions_platform_post_id', sqlite_where=sa.text(COUNTED),
                            postgresql_where=sa.text(COUNTED))


def _refuse_existing_duplicates():
    # unqualified columns resolve to the nearest query: `COUNTED` reads `s` outside, `o` inside
    ids = op.get_bind().execute(sa.text(
        f"SELECT id FROM submissions AS s WHERE {COUNTED} AND (SELECT COUNT(*) FROM submissions AS o "
        f"WHERE {COUNTED} AND o.platform = s.platform AND o.post_id = s.post_id) > 1 ORDER BY id")).scalars().all()
    if ids:
        raise RuntimeError(f"the same post counts for several of submissions {list(ids)}: reject all but one "
                           "submission of each post, then upgrade again")
