"""An office's units-and-people workbook, built as the office would fill in the template."""
from __future__ import annotations

import io


def bureau_workbook(schools: int = 30, *, bad_row: bool = False, kind_words: str = "zh") -> bytes:
    """A second bureau: its office, two departments and ``schools`` schools, a principal and a liaison
    for each school, a head for each department. ``bad_row`` adds a person in a unit that does not exist."""
    from openpyxl import Workbook

    school = "学校" if kind_words == "zh" else "School"
    book = Workbook()
    units = book.active
    units.append(["代码", "名称", "类型", "上级单位代码"])
    units.append(["linxi", "临溪县教育局", "教育局" if kind_words == "zh" else "Bureau", ""])
    office = "领导小组办公室" if kind_words == "zh" else "Office"
    units.append(["linxi-office", "临溪县领导小组办公室", office, "linxi"])
    for code, name in (("linxi-aid", "临溪县资助中心"), ("linxi-basic", "临溪县基础教育股")):
        units.append([code, name, "股室" if kind_words == "zh" else "Department", "linxi"])
    for i in range(1, schools + 1):
        units.append([f"linxi-s{i:02d}", f"临溪第{i}小学", school, "linxi"])
    people = book.create_sheet("人员")
    people.append(["登录名", "姓名", "单位代码", "角色", "电子邮箱", "初始密码"])
    people.append(["lx-office", "陈主任", "linxi-office", "办公室主任", "chen@example.org", "linxi-2024"])
    people.append(["lx-aid", "赵股长", "linxi-aid", "Department head", "", "linxi-2024"])
    for i in range(1, schools + 1):
        people.append([f"lx-p{i:02d}", f"校长{i}", f"linxi-s{i:02d}", "principal", "", "linxi-2024"])
        people.append([f"lx-l{i:02d}", f"联络员{i}", f"linxi-s{i:02d}", "联络员", "", "linxi-2024"])
    if bad_row:
        people.append(["lx-ghost", "无名", "linxi-nowhere", "联络员", "not-an-email", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
