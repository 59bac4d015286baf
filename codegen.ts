// GraphQL Code Generator: typed documents, from the printed schema, for the operations the tests and clients use, and
// their persisted documents manifest (test/generated/persisted-documents.json), as a frontend's build makes one.
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
      presetConfig: { fragmentMasking: false, persistedDocuments: true },
    },
  },
};

export default config;
