{
  "targets": [
    {
      "target_name": "hebb_native",
      "sources": ["<!@(node scripts/native-sources.mjs node)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(pkg-config --cflags-only-I openblas | sed 's/-I//g')"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "<!@(node -p \"process.env.HEBB_ARCH_CFLAGS || ''\")", "-std=c++17", "-fopenmp", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wno-unused-parameter"],
      "ldflags": ["-fopenmp"],
      "libraries": ["<!@(pkg-config --libs openblas)"]
    }
  ]
}
