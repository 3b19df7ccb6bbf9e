"""awsglue behaviours no other test reaches: error thresholds, spigot, choices inside arrays of structs,
relationalize keys over several records, unbox on nested paths and bad input, collection transforms.

Each expected value comes from Glue's documentation (the DynamicFrame and transform class pages, quoted
where it matters) or from /work/shared/reference/awsglue-api.md, not from this emulator's output.
"""

import json
import os

import pytest
from support import dynamic_frame as frame

import emulator.runtime

emulator.runtime.install()

from awsglue import gluetypes as G
from awsglue.dynamicframe import DynamicFrameCollection
from awsglue.transforms import FlatMap, Relationalize, ResolveChoice, SelectFields, Spigot, Unbox


@pytest.fixture(scope="module")
def glue(glue_context):
    return glue_context


def records(dyf):
    return [r.asDict(recursive=True) for r in dyf.toDF().collect()]


def fail_on(*ids):
    """A map function that raises on the records with these ids (an error record each, as Glue counts them)."""
    def apply(record):
        if record["id"] in ids:
            raise RuntimeError(f"bad record {record['id']}")
        return record
    return apply


@pytest.fixture(scope="module")
def people(glue):
    return frame(glue, [(i, f"p{i}") for i in range(1, 6)], "id long, name string", "people")


# -- error thresholds ------------------------------------------------------------------------------
# "stageThreshold – The maximum number of errors that can occur in the transformation before it errors
#  out. The default is zero, which indicates that the process should not error out."
# "totalThreshold – total number of errors up to and including in this transformation for which the
#  processing needs to error out." (DynamicFrame class, aws-glue-libs docstrings)


def test_without_thresholds_errors_are_counted_and_never_raise(people):
    out = people.map(fail_on(1, 2, 3))
    assert (out.count(), out.errorsCount(), out.stageErrorsCount()) == (2, 3, 3)
    out.assertErrorThreshold()  # nothing to assert against: the thresholds are zero


def test_stage_threshold_allows_that_many_errors_in_one_transform(people):
    at_limit = people.map(fail_on(1, 2), stageThreshold=2)  # 2 errors, "maximum number" 2: fine
    assert (at_limit.count(), at_limit.stageErrorsCount()) == (3, 2)
    with pytest.raises(Exception, match="stageThreshold"):
        people.map(fail_on(1, 2), stageThreshold=1)


def test_total_threshold_counts_the_errors_of_the_transforms_before(people):
    first = people.map(fail_on(1))  # one error, no threshold
    second = first.map(fail_on(2), totalThreshold=2)  # 1 + 1 = 2 errors up to and including this one
    assert (second.count(), second.errorsCount(), second.stageErrorsCount()) == (3, 2, 1)
    second.assertErrorThreshold()
    assert first.map(fail_on(2), stageThreshold=1).stageErrorsCount() == 1  # the stage alone is within 1
    with pytest.raises(Exception, match="totalThreshold"):
        first.map(fail_on(2), totalThreshold=1)  # ... but the total is 2
    later = second.select_fields(["id"])  # a transform without errors still carries the earlier ones
    assert (later.errorsCount(), later.stageErrorsCount()) == (2, 0)
    messages = sorted(e["error"]["msg"] for e in records(later.errorsAsDynamicFrame()))
    assert [m.endswith(f"bad record {i}") for i, m in enumerate(messages, 1)] == [True, True], messages


# -- spigot -----------------------------------------------------------------------------------------
# "Writes sample records to a specified destination to help you verify the transformations performed by
#  your job. ... The "topk" option specifies that the first k records should be written. The "prob"
#  option specifies the probability (as a decimal) of picking any given record." (Spigot class)
# The visual Spigot node writes "a subset of records ... to a JSON file" (API_Spigot).


def written(path) -> list[dict]:
    """The JSON records under a spigot's output folder."""
    lines = []
    for name in sorted(os.listdir(path)):
        if not name.startswith((".", "_")):
            with open(os.path.join(path, name)) as fh:
                lines += [json.loads(line) for line in fh if line.strip()]
    return lines


def test_spigot_writes_the_first_k_records_as_json_and_passes_the_frame_on(glue, people, tmp_path):
    ordered = people.coalesce(1)  # one partition: "the first k records" is well defined
    out = ordered.spigot(str(tmp_path / "top2"), {"topk": 2})
    assert written(tmp_path / "top2") == [{"id": 1, "name": "p1"}, {"id": 2, "name": "p2"}]
    assert sorted(r["id"] for r in records(out)) == [1, 2, 3, 4, 5]  # the input, unchanged
    assert out.schema() == people.schema()


def test_spigot_prob_picks_records_and_the_transform_returns_the_input(people, tmp_path):
    none = Spigot.apply(people, str(tmp_path / "never"), {"prob": 0.0})
    assert written(tmp_path / "never") == []
    assert none.count() == 5
    Spigot.apply(people, str(tmp_path / "always"), {"prob": 1.0})
    assert sorted(r["id"] for r in written(tmp_path / "always")) == [1, 2, 3, 4, 5]


# -- choices inside arrays of structs ----------------------------------------------------------------
# "Array element paths use []: ("myList[].price", "cast:double")"; cast: failures become null;
# project:<type> keeps values of that type; make_struct: a struct with one field per type name;
# make_cols: <name>_<type> fields. (ResolveChoice, reference 1.5)


@pytest.fixture(scope="module")
def baskets(glue):
    """`items[].price` is a long in one record and a string in the other: a choice inside an array."""
    longs = frame(glue, [(1, [(10, "a")])], "id long, items array<struct<price:long, sku:string>>")
    texts = frame(glue, [(2, [("12.5", "b"), ("n/a", "c")])], "id long, items array<struct<price:string, sku:string>>")
    both = longs.union(texts)
    price = both.schema().getField("items").dataType.elementType.getField("price").dataType
    assert price == G.ChoiceType([G.LongType(), G.StringType()])
    return both


def items_by_id(dyf) -> dict:
    return {r["id"]: r["items"] for r in records(dyf)}


def test_cast_and_project_reach_into_array_elements(baskets):
    cast = ResolveChoice.apply(baskets, specs=[("items[].price", "cast:double")])
    assert items_by_id(cast) == {1: [{"price": 10.0, "sku": "a"}],
                                 2: [{"price": 12.5, "sku": "b"}, {"price": None, "sku": "c"}]}
    # project keeps the values of that type ("retains only values of the specified type", Scala page;
    # the Python page's wording differs, see reference 1.5).
    projected = baskets.resolveChoice(specs=[("items[].price", "project:long")])
    assert items_by_id(projected) == {1: [{"price": 10, "sku": "a"}],
                                      2: [{"price": None, "sku": "b"}, {"price": None, "sku": "c"}]}


def test_make_struct_and_make_cols_inside_array_elements(baskets):
    struct = baskets.resolveChoice(specs=[("items[].price", "make_struct")])
    element = struct.schema().getField("items").dataType.elementType
    assert element.getField("price").dataType == G.StructType([G.Field("long", G.LongType()),
                                                               G.Field("string", G.StringType())])
    assert items_by_id(struct)[1] == [{"price": {"long": 10, "string": None}, "sku": "a"}]
    cols = baskets.resolveChoice(specs=[("items[].price", "make_cols")])
    element = cols.schema().getField("items").dataType.elementType
    assert {f.name for f in element} == {"price_long", "price_string", "sku"}
    assert items_by_id(cols)[2][0] == {"price_long": None, "price_string": "12.5", "sku": "b"}


# -- relationalize over several records --------------------------------------------------------------
# Each array becomes its own frame `<root>_<path>` with `id` (the join key left in the parent's column),
# `index` (the position in the array) and `<array>.val...` (the element, flattened). (reference 1.5)


def test_relationalize_keys_join_each_record_to_its_own_array_elements(glue):
    dyf = frame(glue, [("ann", [("email", "a@x"), ("tel", "1")]), ("bob", [("fax", "9")])],
                "name string, contacts array<struct<type:string, value:string>>")
    dfc = Relationalize.apply(frame=dyf, staging_path="/tmp/unused", name="root")
    assert list(dfc.keys()) == ["root", "root_contacts"]
    keys = {r["name"]: r["contacts"] for r in records(dfc["root"])}
    assert len(set(keys.values())) == 2  # one key per parent record
    by_key: dict = {}
    for r in records(dfc["root_contacts"]):
        by_key.setdefault(r["id"], []).append((r["index"], r["contacts.val.type"], r["contacts.val.value"]))
    assert sorted(by_key[keys["ann"]]) == [(0, "email", "a@x"), (1, "tel", "1")]
    assert by_key[keys["bob"]] == [(0, "fax", "9")]


# -- unbox --------------------------------------------------------------------------------------------
# "path – The full path to the StringNode to unbox"; error records come from failed parses.


def test_unbox_a_nested_string_field_and_count_a_record_that_does_not_parse(glue):
    dyf = frame(glue, [(1, ('{"city": "Lyon", "zip": 69001}',)), (2, ("{not json",))],
                "id long, meta struct<payload:string>")
    out = Unbox.apply(dyf, "meta.payload", "json")
    assert out.schema().getField("meta").dataType.getField("payload").dataType == G.StructType(
        [G.Field("city", G.StringType()), G.Field("zip", G.IntegerType())])
    assert records(out) == [{"id": 1, "meta": {"payload": {"city": "Lyon", "zip": 69001}}}]
    assert (out.errorsCount(), out.stageErrorsCount()) == (1, 1)


# -- collections ----------------------------------------------------------------------------------------
# FlatMap: "Applies a transform to each DynamicFrame in a collection. The results are flattened into a
# single collection." In aws-glue-libs, a frame result is keyed by its name and a collection result adds
# its own keys; anything else is a TypeError.


def test_flat_map_applies_a_transform_to_every_frame_and_flattens_collections(glue):
    people = frame(glue, [(1, "ann", 30)], "id long, name string, age long", "people")
    orders = frame(glue, [(7, 1)], "id long, person long", "orders")
    dfc = DynamicFrameCollection({"p": people, "o": orders}, glue)
    projected = FlatMap.apply(dfc, SelectFields, "frame", paths=["id"])
    assert list(projected.keys()) == ["people", "orders"]
    assert [[field.name for field in f.schema()] for f in projected.values()] == [["id"], ["id"]]
    split = dfc.flatmap(lambda f, ctx: f.split_fields(["id"], f.name + "_ids", f.name + "_rest"))
    assert list(split.keys()) == ["people_ids", "people_rest", "orders_ids", "orders_rest"]
    with pytest.raises(TypeError):
        dfc.flatmap(lambda f, ctx: "not a frame")


def test_transform_classes_describe_themselves_by_name():
    assert (SelectFields.name(), Relationalize.name(), FlatMap.name()) == ("SelectFields", "Relationalize", "FlatMap")
    assert repr(SelectFields()) == "<Transform: SelectFields>"


# -- toDF options and DynamoDB JSON -------------------------------------------------------------------------
# toDF accepts ResolveOption actions "KeepAsStruct" and "Project" only (aws-glue-libs issues #19, #106), and
# "Missing target type for resolve action ..." when Project has no target (aws-glue-libs DynamicFrame.toDF).


def test_to_df_resolve_options(baskets):
    from awsglue.dynamicframe import ResolveOption

    with pytest.raises(ValueError, match="Invalid resolve action"):
        baskets.toDF([ResolveOption("items[].price", "Cast", G.DoubleType())])
    with pytest.raises(Exception, match="Missing target type for resolve action Project."):
        baskets.toDF([ResolveOption("items[].price", "Project")])
    projected = baskets.toDF([ResolveOption("items[].price", "Project", G.LongType())])
    by_id = {r["id"]: [item["price"] for item in r["items"]] for r in projected.collect()}
    assert by_id == {1: [10], 2: [None, None]}


def test_simplify_ddb_json_reads_dynamodb_type_descriptors(glue, tmp_path):
    # DynamoDB JSON: every value is an object naming its type (S, N, BOOL, NULL, M, L, SS, NS).
    item = {"pk": {"S": "u1"}, "n": {"N": "12"}, "f": {"N": "1.5"}, "ok": {"BOOL": True}, "gone": {"NULL": True},
            "m": {"M": {"city": {"S": "Lyon"}}}, "l": {"L": [{"N": "1"}, {"S": "x"}]}, "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["3", "4"]}}
    (tmp_path / "ddb.json").write_text(json.dumps(item) + "\n")
    dyf = glue.create_dynamic_frame.from_options("s3", {"paths": [str(tmp_path)]}, "json")
    (simple,) = records(dyf.simplify_ddb_json().select_fields(["pk", "n", "f", "ok", "gone", "m", "ss", "ns"]))
    assert simple == {"pk": "u1", "n": 12, "f": 1.5, "ok": True, "gone": None, "m": {"city": "Lyon"},
                      "ss": ["a", "b"], "ns": [3, 4]}
