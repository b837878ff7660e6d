"""The API's data: attrs models and enums, one module per API area."""
