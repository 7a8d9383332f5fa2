// The bubblewrap command line for one build (RELIABILITY.md §4.3). Pure: the caller lstat()s the
// inputs right before calling, so a symlink input is recreated as a symlink, never followed.
// Nix: LocalDerivationGoal::startBuilder's chroot set-up (local-derivation-goal.cc).
export const SANDBOX_UID = 1000;
export const SANDBOX_GID = 100;
/** bwrap's arguments; everything the derivation controls comes after `--`. */
export function bwrapArgs(spec) {
    const a = [
        "--unshare-user",
        "--uid",
        String(spec.uid),
        "--gid",
        String(spec.gid),
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--unshare-ipc",
        "--unshare-pid",
        "--unshare-uts",
        "--hostname",
        "localhost",
        "--unshare-cgroup-try",
        ...(spec.shareNet ? [] : ["--unshare-net"]),
        "--die-with-parent",
        // The builder is pid 1 of its namespace, as in Nix: when it exits, the kernel kills whatever
        // it left behind, even if cairn died before bwrap armed --die-with-parent (bubblewrap#633).
        "--as-pid-1",
        "--new-session",
        "--clearenv",
    ];
    for (const [k, v] of spec.env)
        a.push("--setenv", k, v);
    // /tmp first: a store dir below /tmp must not be covered by it.
    a.push("--tmpfs", "/tmp");
    // The store dir is a private host directory: outputs are created in it by the builder, inputs
    // are mounted read-only on top. Nothing else of the store is visible. The inputs come before
    // /proc, /dev and /etc: bwrap 0.8 re-reads the whole mount table after every bind, so each
    // mount made earlier makes every later bind dearer.
    a.push("--bind", spec.storeMount, spec.storeDir);
    for (const i of spec.inputs) {
        if (i.symlinkTarget !== undefined)
            a.push("--symlink", i.symlinkTarget, i.path);
        else
            a.push("--ro-bind", i.real, i.path);
    }
    a.push("--proc", "/proc", "--dev", "/dev");
    a.push("--ro-bind", spec.etc.passwd, "/etc/passwd", "--ro-bind", spec.etc.group, "/etc/group", "--ro-bind", spec.etc.hosts, "/etc/hosts");
    a.push("--bind", spec.buildDir, "/build", "--chdir", "/build");
    a.push("--", spec.builder, ...spec.args);
    return a;
}
/** The synthetic /etc files of a build, as Nix writes them. */
export function etcFiles(uid, gid) {
    return {
        passwd: `root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:${uid}:${gid}:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n`,
        group: `root:x:0:\nnixbld:!:${gid}:\nnogroup:x:65534:\n`,
        hosts: "127.0.0.1 localhost\n::1 localhost\n",
    };
}
//# sourceMappingURL=bwrap.js.map