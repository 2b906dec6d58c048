"""The CLI's commands, one module each, plus the shared error handling they use."""
