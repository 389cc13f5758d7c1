"""Text in: the normaliser with its offset map, tokenizer, boilerplate, Persian numerals and quantities, lexicons, the document context."""
