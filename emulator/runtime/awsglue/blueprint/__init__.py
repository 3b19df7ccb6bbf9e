"""Glue's blueprint library (`awsglue.blueprint`): the classes a blueprint's layout script builds its workflow with.

AWS documents three classes (Developing blueprints > "AWS Glue blueprint classes reference"):
`job.Job`, `crawler.Crawler` and `workflow.Workflow` (with `workflow.Entities`), each with `validate()` and
`to_json()`. The emulator runs a layout script with this package importable, exactly as Glue does, and creates
what `Workflow.to_json(name_suffix)` describes. Pure Python: no PySpark, no emulator imports.
"""
