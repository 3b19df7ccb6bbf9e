"""Blueprints: CreateBlueprint, UpdateBlueprint, DeleteBlueprint, GetBlueprint, BatchGetBlueprints,
ListBlueprints (blueprints.py), StartBlueprintRun, GetBlueprintRun, GetBlueprintRuns (runs.py).

A blueprint is a ZIP archive in S3 (here: the local S3) holding blueprint.cfg (layoutGenerator, parameterSpec),
the layout script and anything it reads (archive.py). A run validates its parameters against the spec, runs the
layout script in its own Python process with Glue's `awsglue.blueprint` library (emulator/runtime/awsglue/
blueprint) and creates the workflow, jobs, crawlers and triggers it describes (layout.py).
"""
