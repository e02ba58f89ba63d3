"""The arguments both commands share: the file, the tenant and the company."""


def add_file_tenant_company(parser) -> None:
    parser.add_argument("file")
    parser.add_argument("--tenant", required=True, metavar="SLUG")
    parser.add_argument("--company", required=True, metavar="CODE")
