# Developer entry points. Servers run natively (no Docker): see deploy/install.sh, deploy/servers.sh.
.PHONY: install servers-up servers-down servers-status

install:
	deploy/install.sh

servers-up:
	deploy/servers.sh start

servers-down:
	deploy/servers.sh stop

servers-status:
	deploy/servers.sh status
