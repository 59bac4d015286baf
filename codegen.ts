// GraphQL Code Generator: typed documents, from the printed schema, for the operations the tests and clients use.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "schema/schema.graphql",
  emitLegacyCommonJSImports: false,
  documents: ["test/operations/*.graphql"],
  generates: {
    "test/generated/": {
      preset: "client",
      // DateTime arrives as its ISO-8601 string.
      config: { enumsAsTypes: true, useTypeImports: true, scalars: { DateTime: "string" } },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
