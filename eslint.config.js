// ESLint checks the printed schema only (Biome lints the TypeScript): @graphql-eslint's schema-recommended rules, with
// each rule changed here named and justified.
import graphql from "@graphql-eslint/eslint-plugin";

const recommended = graphql.configs["flat/schema-recommended"].rules;
const [, naming] = recommended["@graphql-eslint/naming-convention"];

export default [
  {
    files: ["schema/*.graphql"],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: "schema/schema.graphql" } } },
    plugins: { "@graphql-eslint": graphql },
    rules: {
      ...recommended,
      // AWS's own shape names, kept as GraphQL's type names: ModificationResourceEnum, ModificationStateEnum, ComputeType.
      "@graphql-eslint/naming-convention": [
        "error",
        {
          ...naming,
          "EnumTypeDefinition,EnumTypeExtension": {
            ...naming["EnumTypeDefinition,EnumTypeExtension"],
            ignorePattern: "^Modification(Resource|State)Enum$",
          },
          "ObjectTypeDefinition,ObjectTypeExtension": {
            ...naming["ObjectTypeDefinition,ObjectTypeExtension"],
            ignorePattern: "^ComputeType$",
          },
        },
      ],
      // Field names are the camelCase of AWS's members: Bundle.bundleId is AWS's BundleId, which Workspace.bundleId matches.
      "@graphql-eslint/no-typename-prefix": "off",
      // Only what AWS keeps by ID is a node with a global ID; values (errors, edges, pages, sizes, echoed requests, a
      // directory's settings, a WorkSpace's connection status, a partition a page lacks) have none.
      "@graphql-eslint/strict-id-in-types": [
        "error",
        {
          exceptions: {
            suffixes: [
              "Error",
              "Failure",
              "Edge",
              "Connection",
              "Payload",
              "Success",
              "Storage",
              "Properties",
              "Request",
              "Settings",
              "Config",
              "Permissions",
              "Status",
            ],
            types: ["ComputeType", "PageInfo", "Tag", "AccessEndpoint", "MissingPartition"],
          },
        },
      ],
    },
  },
];
