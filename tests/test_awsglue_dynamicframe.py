"""DynamicFrame semantics on small frames: mappings, choices, record functions, errors, restructuring."""

import json

import pytest
from support import dynamic_frame as frame

import emulator.runtime

emulator.runtime.install()

from awsglue import gluetypes as G
from awsglue.context import GlueContext
from awsglue.dynamicframe import DynamicFrameCollection, DynamicFrameReader, ResolveOption
from awsglue.job import Job
from awsglue.transforms import *


@pytest.fixture(scope="module")
def glue(glue_context):
    return glue_context


@pytest.fixture(scope="module")
def mixed(glue):
    """`v` holds a long in one record and a string in the other: a choice, as Glue's readers make."""
    base = frame(glue, [(1, "a"), (2, "b")], "id long, name string")
    return base.map(lambda r: {**r, "v": 7 if r["id"] == 1 else "x7"})


def rows(dyf):
    """The records, in a stable order (by their text)."""
    return sorted((r.asDict(recursive=True) for r in dyf.toDF().collect()), key=lambda r: json.dumps(r, default=str))


def test_glue_context_is_a_sql_context_with_glue_readers(glue, spark):
    assert isinstance(glue.create_dynamic_frame, DynamicFrameReader)
    assert glue.create_dynamic_frame._glue_context is glue
    assert glue.spark_session is spark
    assert glue.sql("SELECT 1 AS x").collect()[0].x == 1
    job = Job(glue)
    job.init("j", {"JOB_NAME": "j"})
    assert job.isInitialized()
    with pytest.raises(Exception, match="cannot init Job instance"):
        Job("nope")


def test_apply_mapping_projects_casts_and_nests(glue, capsys):
    dyf = frame(glue, [("1", "$12", "CA", 5), ("x", "3.5", "WA", 6)], "`Provider Id` string, price string, "
                "state string, n int")
    out = ApplyMapping.apply(frame=dyf, mappings=[
        ("provider id", "string", "provider.id", "long"),   # case-insensitive source, nested target
        ("price", "string", "price", "double"),              # "$12" does not cast: null
        ("n", "string", "n", "string"),                      # declared source type disagrees: empty column
        ("absent", "string", "absent", "string"),            # in no record: no field
    ])
    out.printSchema()
    assert capsys.readouterr().out == ("root\n|-- provider: struct\n|    |-- id: long\n|-- price: double\n"
                                       "|-- n: string\n\n")
    assert rows(out) == [{"provider": {"id": 1}, "price": None, "n": None},
                         {"provider": {"id": None}, "price": 3.5, "n": None}]


def test_apply_mapping_lifts_nested_fields_and_validates_tuples(glue):
    dyf = frame(glue, [(1, ("CA", "x"))], "id int, `a.b` struct<state:string, zip:string>")
    out = dyf.apply_mapping([("`a.b`.state", "string", "state", "string"), ("id", "int", "id", "long")])
    assert rows(out) == [{"state": "CA", "id": 1}]
    with pytest.raises(TypeError):
        dyf.apply_mapping(["id"])
    with pytest.raises(ValueError, match="Mapping tuple must be of length 2, 3, or 4"):
        dyf.apply_mapping([("id",)])


def test_choice_schema_and_every_resolve_choice_action(mixed, capsys):
    mixed.printSchema()
    assert "|-- v: choice\n|    |-- int\n|    |-- string\n" in capsys.readouterr().out
    assert rows(mixed.resolveChoice(specs=[("v", "cast:long")])) == [
        {"id": 1, "name": "a", "v": 7}, {"id": 2, "name": "b", "v": None}]
    assert rows(mixed.resolveChoice(specs=[("v", "project:string")])) == [
        {"id": 1, "name": "a", "v": None}, {"id": 2, "name": "b", "v": "x7"}]
    cols = mixed.resolveChoice(specs=[("v", "make_cols")])
    assert [f.name for f in cols.schema()] == ["id", "name", "v_int", "v_string"]
    assert rows(cols)[1] == {"id": 2, "name": "b", "v_int": None, "v_string": "x7"}
    struct = ResolveChoice.apply(mixed, choice="make_struct")
    assert struct.schema().getField("v").dataType == G.StructType([G.Field("int", G.IntegerType()),
                                                                   G.Field("string", G.StringType())])
    assert rows(struct)[0]["v"] == {"int": 7, "string": None}
    assert mixed.toDF([ResolveOption("v", "Project", G.StringType())]).orderBy("id").collect()[1].v == "x7"
    with pytest.raises(Exception, match="Parameter specs and option are both missing, add one."):
        mixed.resolveChoice()
    with pytest.raises(Exception, match="both specified"):
        mixed.resolveChoice(specs=[("v", "make_cols")], choice="make_cols")


def test_match_catalog_casts_choices_to_the_catalog_type(mixed, glue, monkeypatch):
    catalog = G.StructType([G.Field("id", G.LongType()), G.Field("v", G.LongType())])
    monkeypatch.setattr(GlueContext, "_catalog_schema", lambda self, db, table, catalog_id=None: catalog)
    out = mixed.resolveChoice(choice="match_catalog", database="db", table_name="t")
    assert out.schema().getField("v").dataType == G.LongType()
    assert [r["v"] for r in rows(out)] == [7, None]


def test_filter_drops_key_errors_and_records_other_exceptions(glue):
    dyf = frame(glue, [(1, None), (2, 0), (3, 5)], "id long, consent long")
    kept = Filter.apply(frame=dyf, f=lambda r: not (r["consent"] == 0))   # null: no key, KeyError drops it
    assert [r["id"] for r in rows(kept)] == [3]
    assert dyf.filter(lambda r: r["missing"] > 0).count() == 0           # KeyError: dropped silently
    failing = dyf.filter(lambda r: 1 / (r["id"] - 2) > 0)                # ZeroDivisionError on id 2
    assert ([r["id"] for r in rows(failing)], failing.errorsCount(), failing.stageErrorsCount()) == ([3], 1, 1)
    error = failing.errorsAsDynamicFrame().toDF().collect()[0].error
    assert error.msg == "ZeroDivisionError: division by zero" and '"id": 2' in error.input
    later = failing.select_fields(["id"])
    assert (later.errorsCount(), later.stageErrorsCount()) == (1, 0)
    with pytest.raises(Exception, match=r"\(3\) exceeds stageThreshold \(2\)"):
        dyf.map(lambda r: 1 / 0, stageThreshold=2)


def test_map_infers_new_fields_and_reports_none_results(glue):
    dyf = frame(glue, [(1, "a"), (2, "b")], "id long, name string")
    out = Map.apply(frame=dyf, f=lambda r: {"id": r.id, "tags": [r.name, "x"], "meta": {"n": r.id * 2.5}}
                    if r.id == 1 else None)
    assert out.errorsCount() == 1
    assert out.schema() == G.StructType([G.Field("id", G.LongType()), G.Field("tags", G.ArrayType(G.StringType())),
                                         G.Field("meta", G.StructType([G.Field("n", G.DoubleType())]))])
    assert rows(out) == [{"id": 1, "tags": ["a", "x"], "meta": {"n": 2.5}}]
    msg = out.errorsAsDynamicFrame().toDF().collect()[0].error.msg
    assert msg == "User-specified function returned None instead of DynamicRecord"


def test_drop_null_fields_drops_fields_null_in_every_record(glue, capsys):
    dyf = frame(glue, [(1, None, (None, "x")), (2, None, (None, None))],
                "id long, empty string, s struct<gone:string, kept:string>")
    out = DropNullFields.apply(frame=dyf)
    assert capsys.readouterr().out == "null_fields ['empty', 's.gone']\n"
    assert [f.name for f in out.schema()] == ["id", "s"]
    assert [f.name for f in out.schema().getField("s").dataType] == ["kept"]


def test_select_drop_rename_and_split_fields_on_nested_paths(glue):
    dyf = frame(glue, [(1, ("CA", "9"), "n")], "id long, address struct<state:string, zip:string>, name string")
    assert rows(dyf.select_fields(["address.state", "id"])) == [{"id": 1, "address": {"state": "CA"}}]
    assert rows(DropFields.apply(dyf, ["address.zip", "name"])) == [{"id": 1, "address": {"state": "CA"}}]
    renamed = RenameField.apply(dyf, "address.state", "address.state_code")
    assert [f.name for f in renamed.schema().getField("address").dataType] == ["state_code", "zip"]
    moved = dyf.rename_field("address.zip", "zip")
    assert [f.name for f in moved.schema()] == ["id", "address", "name", "zip"]
    parts = SplitFields.apply(dyf, ["name"], "left", "right")
    assert (list(parts.keys()), [f.name for f in parts["right"].schema()]) == (["left", "right"], ["id", "address"])


def test_split_rows_join_union_and_collections(glue):
    people = frame(glue, [(1, "ann", 15), (2, "bob", 30), (3, "cy", None)], "id long, name string, age long", "p")
    split = SplitRows.apply(people, {"age": {">": 10, "<": 20}}, "teens", "others")
    assert ([r["id"] for r in rows(split["teens"])], [r["id"] for r in rows(split["others"])]) == ([1], [2, 3])
    orders = frame(glue, [(10, 1), (11, 1), (12, 9)], "oid long, person_id long", "o")
    joined = Join.apply(people, orders, "id", "person_id")
    assert joined.name == "po"
    assert sorted((r["oid"], r["id"], r["person_id"]) for r in rows(joined)) == [(10, 1, 1), (11, 1, 1)]
    other = frame(glue, [("4", "dee")], "id string, name string")
    union = people.union(other)
    assert union.schema().getField("id").dataType == G.ChoiceType([G.LongType(), G.StringType()])
    assert union.count() == 4
    dfc = DynamicFrameCollection([people, orders], glue)
    assert SelectFromCollection.apply(dfc, "o") is orders
    missing = dfc.select("nope")
    assert (missing.name, missing.count()) == ("nope", 0)
    assert list(MapToCollection.apply(dfc, lambda f, ctx: f.select_fields(["id"])).keys()) == ["p", "o"]
    with pytest.raises(TypeError, match="dynamic_frames must be list or dict."):
        DynamicFrameCollection("x", glue)


def test_merge_dynamic_frame_upserts_by_primary_key(glue):
    source = frame(glue, [(1, "old"), (2, "keep")], "id long, v string")
    staged = frame(glue, [(1, "new"), (3, "add")], "id long, v string")
    assert sorted((r["id"], r["v"]) for r in rows(source.mergeDynamicFrame(staged, ["id"]))) == [
        (1, "new"), (2, "keep"), (3, "add")]


def test_relationalize_names_tables_and_keys_arrays(glue):
    dyf = frame(glue, [("p1", ("Ann", "X"), [("email", "a@x"), ("tel", "1")], ["l1"])],
                "id string, name struct<given:string, family:string>, "
                "contact_details array<struct<type:string, value:string>>, links array<string>")
    dfc = Relationalize.apply(frame=dyf, staging_path="/tmp/unused", name="hist_root")
    assert list(dfc.keys()) == ["hist_root", "hist_root_contact_details", "hist_root_links"]
    root = rows(dfc["hist_root"])[0]
    assert root == {"id": "p1", "name.given": "Ann", "name.family": "X", "contact_details": 1, "links": 1}
    contacts = dfc["hist_root_contact_details"]
    assert [f.name for f in contacts.schema()] == ["id", "index", "contact_details.val.type",
                                                  "contact_details.val.value"]
    assert sorted(tuple(r.values()) for r in rows(contacts)) == [(1, 0, "email", "a@x"), (1, 1, "tel", "1")]
    with pytest.raises(RuntimeError, match="Unable to set staging_path"):
        import awsglue.utils
        awsglue.utils._global_args.clear()
        Relationalize.apply(frame=dyf)


def test_unnest_and_unbox(glue):
    dyf = frame(glue, [(1, ("CA", ("x",)), '{"a": 1, "b": [2]}')],
                "id long, address struct<state:string, geo:struct<lat:string>>, payload string")
    assert [f.name for f in UnnestFrame.apply(dyf).schema()] == ["id", "address.state", "address.geo.lat",
                                                                  "payload"]
    unboxed = Unbox.apply(dyf, "payload", "json")
    assert unboxed.schema().getField("payload").dataType == G.StructType(
        [G.Field("a", G.IntegerType()), G.Field("b", G.ArrayType(G.IntegerType()))])
    assert rows(unboxed)[0]["payload"] == {"a": 1, "b": [2]}
