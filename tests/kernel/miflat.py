# SPDX-License-Identifier: GPL-2.0-only
"""miflat.py FILE: an `lttng --mi xml` document, flattened for shell checks.

Exits 1 when FILE is not well-formed XML or its root is not a <command>. Then
prints one line per leaf element, PATH=TEXT, namespaces stripped, an element
with a <name> child written ELEMENT[NAME]:

    command/output/sessions/session[s]/domains/domain/channels/channel[big]/attributes/subbuffer_size=65536
"""
import sys
import xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit("}", 1)[-1]


def walk(el, path, out):
    tag = local(el.tag)
    name = None
    for c in el:
        if local(c.tag) == "name" and len(c) == 0:
            name = (c.text or "").strip()
    here = "%s/%s" % (path, tag) if path else tag
    if name is not None:
        here += "[%s]" % name
    if len(el) == 0:
        out.append("%s=%s" % (here, (el.text or "").strip()))
    for c in el:
        walk(c, here, out)


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as e:
        print("miflat.py: not well-formed: %s" % e, file=sys.stderr)
        return 1
    if local(root.tag) != "command":
        print("miflat.py: root is <%s>, not <command>" % local(root.tag), file=sys.stderr)
        return 1
    out = []
    walk(root, "", out)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
