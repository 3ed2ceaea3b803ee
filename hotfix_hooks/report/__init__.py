"""Where hotfixes stand: the inventory of every hotfix and the report outputs."""
