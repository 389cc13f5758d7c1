"""The statistical NER stage: the component, the BiLSTM-CRF tagger's run-time network, the Hugging Face backend."""
