"""POSIX ACL entries for named accounts, through the file's xattr (no setfacl needed): grant and take back."""
import os
import stat
import struct

ACL = "system.posix_acl_access"
NO_ID = 0xFFFFFFFF
USER_OBJ, USER, GROUP_OBJ, GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
Entry = tuple[int, int, int]  # (tag, permission bits rwx, uid or gid)


def read_acl(path: str | os.PathLike) -> list[Entry]:
    """The POSIX ACL of ``path``, made from its mode when it has none.

    Args:
        path: a file or folder.

    Returns:
        [(tag, perm, id)], without the mask.
    """
    try:
        raw = os.getxattr(path, ACL)
    except OSError:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        return [(USER_OBJ, mode >> 6 & 7, NO_ID), (GROUP_OBJ, mode >> 3 & 7, NO_ID),
                (OTHER, mode & 7, NO_ID)]
    entries = [struct.unpack_from("<HHI", raw, 4 + 8 * i) for i in range((len(raw) - 4) // 8)]
    return [e for e in entries if e[0] != MASK]


def write_acl(path: str | os.PathLike, entries: list[Entry]) -> None:
    """Write ``entries`` (the mask recomputed), or drop the ACL when only the mode's remain.

    Args:
        path: a file or folder.
        entries: [(tag, perm, id)] as ``read_acl`` gives them.
    """
    base = [e for e in entries if e[0] in (USER_OBJ, GROUP_OBJ, OTHER)]
    named = sorted(e for e in entries if e[0] in (USER, GROUP))
    if not named:
        bits = {t: p for t, p, _ in base}
        try:
            os.removexattr(path, ACL)
        except OSError:
            pass
        os.chmod(path, bits[USER_OBJ] << 6 | bits[GROUP_OBJ] << 3 | bits[OTHER])
        return
    mask = 0
    for _, perm, _ in named + [e for e in base if e[0] == GROUP_OBJ]:
        mask |= perm
    full = sorted(base + named + [(MASK, mask, NO_ID)], key=lambda e: (e[0], e[2]))
    os.setxattr(path, ACL, struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in full))


def grant(path: str | os.PathLike, uids: list[int], perm: int) -> None:
    """Give each account of ``uids`` the permission bits ``perm`` (4 read, 1 pass) on ``path``.

    Args:
        path: a file or folder.
        uids: the accounts' user ids.
        perm: the bits, e.g. 5 for r-x.
    """
    kept = [e for e in read_acl(path) if not (e[0] == USER and e[2] in uids)]
    write_acl(path, kept + [(USER, perm, uid) for uid in uids])


def revoke(path: str | os.PathLike, uids: list[int]) -> None:
    """Take back every entry ``grant`` gave ``uids`` on ``path``.

    Args:
        path: a file or folder.
        uids: the accounts' user ids.
    """
    write_acl(path, [e for e in read_acl(path) if not (e[0] == USER and e[2] in uids)])

