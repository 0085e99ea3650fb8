import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Mailer } from "../services/context.ts";

/** Deadline reminders by Amazon SES from a verified identity (REMINDER_FROM). */
export class SesMailer implements Mailer {
  private readonly client = new SESv2Client({});

  constructor(private readonly from: string) {}

  async send(message: { to: string[]; subject: string; text: string }): Promise<void> {
    if (message.to.length === 0) return;
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: message.to },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: "UTF-8" },
            Body: { Text: { Data: message.text, Charset: "UTF-8" } },
          },
        },
      }),
    );
  }
}
