// as-pect: AssemblyScript kernel tests (test/assembly/*.spec.ts), compiled with the debug runtime.
export default {
  entries: ["test/assembly/**/*.spec.ts"],
  include: ["test/assembly/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
