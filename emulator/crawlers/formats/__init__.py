"""One module per data format the crawler recognises; `schema` holds the types they share."""
