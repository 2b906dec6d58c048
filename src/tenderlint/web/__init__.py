"""The local web page: upload a draft RFP or contract, read its gap report (``tenderlint serve``)."""
