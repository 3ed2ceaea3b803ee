"""A hotfix's documents: where they live, the tasks, the templates and scaffold, and the one
model of hotfix.md (``document.model``) that every reader and editor of it goes through."""
