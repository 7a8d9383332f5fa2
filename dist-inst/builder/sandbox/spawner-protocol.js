// Messages between cairn and its build spawner (over node's IPC channel, advanced serialization).
export {};
//# sourceMappingURL=spawner-protocol.js.map