// The route table lives with the API contract (shared/api): the web and the tests derive paths from it
// too. Re-exported here because CDK, the local gateway and the handlers' role check read it by this name.
export * from "../shared/api/routes.ts";
