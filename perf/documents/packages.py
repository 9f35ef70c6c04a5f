"""An Office file (.docx, .xlsx) is a zip package: checked before it is opened, so a zip bomb is refused at once.

A 400 KB upload can unpack to gigabytes; the readers (python-docx, openpyxl) would unpack it all
before saying it is not a table. Python's zipfile never reads past an entry's declared size, so
the sizes the package declares bound what reading it can cost: more than ``MAX_UNPACKED`` bytes or
``MAX_ENTRIES`` entries in all, and the file is refused unread, with a Chinese message.
"""

import io
import zipfile

#: What a real department's 部门预算 document or target table unpacks to is a few MB.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 10_000


def package_problem(data: bytes) -> str | None:
    """Why a zip package is refused unread (too large unpacked, too many entries); None when it may be read
    (or is no zip at all, which the reader then says)."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(entries) > MAX_ENTRIES:
        return f"文件内含 {len(entries):,} 个部件，超过 {MAX_ENTRIES:,} 个，不像是正常的 Office 文件，未读取"
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED:
        return (
            f"文件解压后约 {unpacked / 2**20:,.0f} MB，超过 {MAX_UNPACKED // 2**20} MB，未读取；"
            "请删除无关的工作表、图片或附件后重新上传"
        )
    return None
