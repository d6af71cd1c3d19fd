"""The 取組管理票 and the 取組事項一覧 as printable pages, drawn with QPainter (QtGui only).

Entry points: `pdf.write_pdf(job, path, on_page)` for a PDF file with bookmarks, and
`document.render(device, job)` for any paged device (a QPrinter in the print preview).
Input is a `job.PrintJob` built from domain objects; the measures come through its `fetch`
callable, a batch at a time: nothing here imports the store.
"""
