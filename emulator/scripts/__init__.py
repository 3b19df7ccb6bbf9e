"""Script generation: CreateScript, GetDataflowGraph, GetMapping, GetPlan (generation.py).

Glue's classic ETL scripts are Python with a comment annotation above each step (`## @type:`, `## @args:`,
`## @return:`, `## @inputs:`) from which the console redraws the job's diagram. dag.py turns a DAG of nodes and
edges into such a script and reads one back; the scripts it writes run as glueetl jobs on the emulator's awsglue.
"""
