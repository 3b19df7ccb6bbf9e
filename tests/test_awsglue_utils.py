"""awsglue pieces that need no Spark: getResolvedOptions, gluetypes, the package's import line."""

import pytest

import emulator.runtime

emulator.runtime.install()

from awsglue import gluetypes as G
from awsglue.utils import GlueArgumentError, getResolvedOptions

RESERVED = {"job_bookmark_option": "job-bookmark-disable", "job_bookmark_from": None, "job_bookmark_to": None,
            "JOB_ID": None, "JOB_RUN_ID": None, "SECURITY_CONFIGURATION": None, "encryption_type": None,
            "enable_data_lineage": None, "RedshiftTempDir": None, "TempDir": None}


def test_resolved_options_always_carry_the_reserved_keys_and_ignore_unknown_arguments():
    args = getResolvedOptions(["script.py", "--JOB_NAME", "j1", "--in_path", "s3://b/in", "--extra", "y"],
                              ["JOB_NAME", "in_path"])
    assert args == {"JOB_NAME": "j1", "in_path": "s3://b/in", **RESERVED}


@pytest.mark.parametrize("argv,message", [
    (["--JOB_NAME", "j"], "the following arguments are required: --in_path"),
    (["--JOB_NAME", "j", "--in_path"], "argument --in_path: expected one argument"),
    (["JOB_NAME", "j", "--in_path", "x"], "the following arguments are required: --JOB_NAME"),
])
def test_resolved_options_errors_are_glue_argument_errors(argv, message):
    with pytest.raises(GlueArgumentError) as info:
        getResolvedOptions(["s.py", *argv], ["JOB_NAME", "in_path"])
    assert str(info.value) == message


def test_resolved_options_argparse_quirks():
    assert getResolvedOptions(["s", "--in_p", "x", "--JOB_NAME", "j"], ["JOB_NAME", "in_path"])["in_path"] == "x"
    assert getResolvedOptions(["s", "--JOB_NAME=j", "--in_path=a=b"], ["JOB_NAME", "in_path"])["in_path"] == "a=b"
    assert getResolvedOptions(["s", "--in_path", "1", "--in_path", "2"], ["in_path"])["in_path"] == "2"
    assert getResolvedOptions(["s", "--in_path", "-5"], ["in_path"])["in_path"] == "-5"
    assert getResolvedOptions(["s", "--my-opt", "v"], ["my-opt"])["my_opt"] == "v"
    temp = getResolvedOptions(["s", "--RedshiftTempDir", "s3://r/"], [])
    assert (temp["TempDir"], temp["RedshiftTempDir"]) == ("s3://r/", "s3://r/")
    assert getResolvedOptions(["s", "--continuation-option", "continuation-enabled"], [])[
        "job_bookmark_option"] == "job-bookmark-enable"


def test_resolved_options_bookmark_rules():
    with pytest.raises(GlueArgumentError, match="invalid choice: 'bogus'"):
        getResolvedOptions(["s", "--job-bookmark-option", "bogus"], [])
    with pytest.raises(RuntimeError, match="Missing option or value for --job-bookmark-to"):
        getResolvedOptions(["s", "--job-bookmark-option", "job-bookmark-pause", "--job-bookmark-from", "r1"], [])
    with pytest.raises(RuntimeError, match=r"Invalid option\(s\)--job-bookmark-from --job-bookmark-to"):
        getResolvedOptions(["s", "--job-bookmark-from", "a", "--job-bookmark-to", "b"], [])
    with pytest.raises(RuntimeError, match="Using reserved arguments job-bookmark-option"):
        getResolvedOptions(["s"], ["job-bookmark-option"])


def test_merge_data_types_builds_choices_and_merges_structs():
    a = G.StructType([G.Field("id", G.IntegerType()), G.Field("v", G.DoubleType())])
    b = G.StructType([G.Field("id", G.LongType()), G.Field("v", G.StringType()), G.Field("w", G.NullType())])
    merged = G.mergeDataTypes(a, b)
    assert [f.name for f in merged] == ["id", "v", "w"]
    assert merged.getField("id").dataType == G.LongType()
    assert merged.getField("v").dataType == G.ChoiceType([G.DoubleType(), G.StringType()])
    assert G._deserialize_json_string(G._serialize_schema(merged)) == merged


def test_tree_string_lists_choice_members():
    schema = G.StructType([G.Field("provider id", G.ChoiceType([G.StringType(), G.LongType()])),
                           G.Field("a", G.StructType([G.Field("b", G.DecimalType(10, 2))]))])
    assert schema.treeString() == ("root\n|-- provider id: choice\n|    |-- long\n|    |-- string\n"
                                   "|-- a: struct\n|    |-- b: decimal(10,2)\n")


def test_parse_type_name_reads_script_and_hive_names():
    assert G.parse_type_name("bigint") == G.LongType()
    assert G.parse_type_name("decimal(12,3)") == G.DecimalType(12, 3)
    assert G.parse_type_name("array<struct<a:int,`b c`:string>>") == G.ArrayType(
        G.StructType([G.Field("a", G.IntegerType()), G.Field("b c", G.StringType())]))
    assert G.parse_type_name("map<string,double>") == G.MapType(G.DoubleType())
    with pytest.raises(ValueError):
        G.parse_type_name("nonsense")


def test_dynamic_record_reads_keys_as_attributes():
    rec = G._create_dynamic_record({"a": 1, "b": {"c": 2}})
    assert (rec.a, rec.b.c) == (1, 2)
    with pytest.raises(AttributeError):
        _ = rec.missing


def test_transforms_star_import_gives_the_22_transform_classes():
    namespace: dict = {}
    exec("from awsglue.transforms import *", namespace)
    names = {k for k in namespace if not k.startswith("__")}
    assert names == {"ApplyMapping", "Coalesce", "DropFields", "DropNullFields", "ErrorsAsDynamicFrame", "Filter",
                     "FlatMap", "Join", "Map", "MapToCollection", "Relationalize", "RenameField", "Repartition",
                     "ResolveChoice", "SelectFields", "SelectFromCollection", "Spigot", "SplitFields", "SplitRows",
                     "Unbox", "Union", "UnnestFrame"}
