"""Score blocks partitioned by school year on PostgreSQL (migration 0007, quality.partitions):
the importer stamps each block with its exam's school year, the daily job makes next year's
partition before its first import, and the current-block key still holds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from quality.models import Exam, ScoreBlock
from quality.tasks import daily
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

pg_only = pytest.mark.skipif(connection.vendor != "postgresql",
                             reason="partitioning is PostgreSQL's; SQLite keeps one plain table")


def _import(exam: Exam, n: int = 6) -> ScoreBlock:
    apply(upload(exam, messy_xlsx(clean_rows(n), school="小店第一中学")))
    return ScoreBlock.objects.get(paper__exam=exam, superseded_by__isnull=True)


def _partition_of(block: ScoreBlock) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM quality_scoreblock WHERE id = %s", [block.pk])
        return str(cursor.fetchone()[0])


def test_the_importer_stamps_each_block_with_its_exams_school_year(cast: Cast) -> None:
    assert _import(make_exam(cast.county_a, term_key="2026-1")).school_year == 2026
    spring = make_exam(cast.county_a, name="八年级期末", term_key="2027-2", held_on=dt.date(2028, 6, 20))
    assert _import(spring).school_year == 2027


def test_a_second_current_block_for_the_same_paper_and_school_is_refused(cast: Cast) -> None:
    block = _import(make_exam(cast.county_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreBlock.objects.create(paper_id=block.paper_id, school_id=block.school_id, school_year=block.school_year,
                                  batch_id=block.batch_id, n_students=1, data=b"", moments=b"")


@pg_only
def test_the_table_is_partitioned_by_school_year_with_a_default_partition(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT p.partstrat, a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
                       "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
                       "WHERE p.partrelid = 'quality_scoreblock'::regclass")
        assert cursor.fetchone() == ("l", "school_year")
        cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                       "WHERE i.inhparent = 'quality_scoreblock'::regclass AND pg_get_expr(c.relpartbound, c.oid) "
                       "= 'DEFAULT'")
        assert cursor.fetchone() == ("quality_scoreblock_default",)


@pg_only
def test_the_daily_job_makes_next_years_partition_before_its_first_import(cast: Cast) -> None:
    assert daily(dt.date(2032, 10, 8)) == "已新建成绩数据块分区：2032—2033学年、2033—2034学年"
    assert daily(dt.date(2032, 10, 9)) == "成绩数据块分区已齐全"
    block = _import(make_exam(cast.county_a, term_key="2033-1", held_on=dt.date(2033, 11, 10)))
    assert _partition_of(block) == "quality_scoreblock_y2033"


@pg_only
def test_a_block_waiting_in_the_default_partition_moves_to_its_years_partition(cast: Cast) -> None:
    block = _import(make_exam(cast.county_a, term_key="2019-1", held_on=dt.date(2019, 11, 10)))
    assert _partition_of(block) == "quality_scoreblock_default"
    assert "2019—2020学年" in daily(dt.date(2026, 12, 4))
    assert _partition_of(block) == "quality_scoreblock_y2019"
    moved = ScoreBlock.objects.get(pk=block.pk)
    assert bytes(moved.data) == bytes(block.data) and moved.n_students == 6
    # The current-block key is enforced in the new partition too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreBlock.objects.create(paper_id=block.paper_id, school_id=block.school_id, school_year=2019,
                                  batch_id=block.batch_id, n_students=1, data=b"", moments=b"")


@pg_only
def test_the_migration_fills_existing_blocks_year_and_copies_them_into_partitions_and_back(cast: Cast) -> None:
    from django.db.migrations.executor import MigrationExecutor

    block = _import(make_exam(cast.county_a, term_key="2025-2", held_on=dt.date(2026, 4, 10)))
    before = ScoreBlock.objects.filter(pk=block.pk).values("paper_id", "school_id", "batch_id", "n_students",
                                                           "data", "moments").get()
    executor = MigrationExecutor(connection)
    executor.migrate([("quality", "0006_merge_0005_item_bank_0005_student_subgroup_attributes")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM quality_scoreblock WHERE id = %s", [block.pk])
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'quality_scoreblock'::regclass")
        assert cursor.fetchone()[0] == 0
    executor.loader.build_graph()
    executor.migrate([("quality", "0007_scoreblock_school_year_partitions")])
    assert _partition_of(block) == "quality_scoreblock_y2025"
    after = ScoreBlock.objects.filter(pk=block.pk).values(*before).get()
    assert after == before and ScoreBlock.objects.get(pk=block.pk).school_year == 2025
    # The id sequence continues past the copied rows.
    assert _import(make_exam(cast.county_a, name="八年级期末", term_key="2025-2")).pk > block.pk
