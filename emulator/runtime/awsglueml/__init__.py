"""awsglueml: the part of Glue's ML library job scripts import for sensitive-data detection (`EntityDetector`)."""
