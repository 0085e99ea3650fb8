import { withdraw } from "../../shared/services/submissions.ts";
import { submissionMove } from "../http/unit-routes.ts";

export const handler = submissionMove(withdraw);
