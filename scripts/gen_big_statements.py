#!/usr/bin/env python3
"""Generate SQL files made of a few very large statements, for memory benchmarks.

    gen_big_statements.py check  [TERMS]   # one CHECK with TERMS `OR` terms (400,000: ~6 MB)
    gen_big_statements.py insert [ROWS]    # one INSERT ... VALUES with ROWS rows (150,000: ~5 MB)
    gen_big_statements.py concat [TERMS]   # a view whose select list is one `||` chain

Deterministic for given arguments; writes to stdout.
"""
import sys


def check(terms):
    out = sys.stdout
    out.write("CREATE TABLE allowed_codes (\n    id bigint PRIMARY KEY,\n    code integer NOT NULL,\n")
    out.write("    CONSTRAINT code_known CHECK (")
    out.write(" OR ".join(f"code = {100000 + i}" for i in range(terms)))
    out.write(")\n);\n")


def insert(rows):
    out = sys.stdout
    out.write("CREATE TABLE order_lines (\n    id bigint PRIMARY KEY,\n    order_id bigint NOT NULL,\n"
              "    product_id bigint NOT NULL,\n    quantity int NOT NULL,\n    status text NOT NULL,\n"
              "    paid boolean NOT NULL,\n    discount numeric\n);\n")
    out.write("INSERT INTO order_lines (id, order_id, product_id, quantity, status, paid, discount) VALUES\n")
    out.write(",\n".join(
        f"({i},{i // 4},{i % 97},{i % 5 + 1},'new',true,0.5)" for i in range(rows)))
    out.write(";\n")


def concat(terms):
    out = sys.stdout
    out.write("CREATE TABLE words (id bigint PRIMARY KEY, w text);\n")
    out.write("CREATE VIEW joined AS SELECT ")
    out.write(" || ".join(f"'t{i}'" for i in range(terms)))
    out.write(" AS all_words FROM words;\n")


def main():
    kind = sys.argv[1] if len(sys.argv) > 1 else "check"
    default = {"check": 400000, "insert": 150000, "concat": 10000}[kind]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else default
    {"check": check, "insert": insert, "concat": concat}[kind](n)


if __name__ == "__main__":
    main()
