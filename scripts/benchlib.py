# SPDX-License-Identifier: GPL-2.0
"""The benchmarks' output: a Markdown table on stdout and the same rows in
a CSV file."""

import csv
import os


def table(hdr, rows, csv_path):
    """Print HDR and ROWS (tuples of strings) as a Markdown table and write
    them to CSV_PATH."""
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for vals in rows:
        print("| " + " | ".join(vals) + " |")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(hdr)
        w.writerows(rows)
    print(f"\nCSV: {csv_path}; logs: {os.path.join(os.path.dirname(csv_path), 'logs', 'bench')}")
