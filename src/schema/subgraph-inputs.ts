// A Pothos plugin for the federation subgraph's build: its input types without @oneOf, which the SDL printer of
// @apollo/subgraph 2.14 (the last that Pothos's federation plugin can use) refuses. src/schema/federation.ts puts
// @oneOf back on the executable types, so only the SDL the router composes has plain inputs.
import type { PothosTypeConfig, SchemaTypes } from "@pothos/core";
import SchemaBuilder, { BasePlugin } from "@pothos/core";

declare global {
  export namespace PothosSchemaTypes {
    interface BuildSchemaOptions<Types extends SchemaTypes> {
      /** Build input types without @oneOf. */
      plainInputs?: boolean;
    }
    interface Plugins<Types extends SchemaTypes> {
      plainInputs: PlainInputsPlugin<Types>;
    }
  }
}

class PlainInputsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onTypeConfig(config: PothosTypeConfig): PothosTypeConfig {
    return this.options.plainInputs && config.kind === "InputObject" ? { ...config, isOneOf: false } : config;
  }
}

const name = "plainInputs";
SchemaBuilder.registerPlugin(name, PlainInputsPlugin);
export default name;
