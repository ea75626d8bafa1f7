"""Review items keep which waiver let each finding through (one entry per finding of the stored result).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Column, Text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: items queued before this revision have no per-finding record; readers fall back to `waived`.
    op.add_column("review_items", Column("finding_waivers", Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("finding_waivers")
