// The one form of an email address: the same person however the address is typed or sent, never a look-alike.
import { describe, expect, it } from "vitest";
import { emailAddressSchema, isEmailAddress, normaliseEmail } from "~/auth/email-address";

describe("normaliseEmail", () => {
  it("joins case and Unicode forms of the same text", () => {
    expect(normaliseEmail("  ZOE\u0308@Example.COM ")).toBe("zo\u00eb@example.com");
    expect(normaliseEmail("zo\u00eb@example.com")).toBe("zo\u00eb@example.com");
  });

  it("never folds look-alikes (fullwidth letters) into an ASCII address", () => {
    expect(normaliseEmail("\uff53tudent1@optilearn.test")).not.toBe("student1@optilearn.test");
  });
});

describe("emailAddressSchema", () => {
  it.each(["ada@example.com", "zo\u00eb@exämple.org", "a+tag@sub.example.co.uk"])("accepts %s", (email) => {
    expect(emailAddressSchema.safeParse(email).success).toBe(true);
  });

  it.each(["", "ada", "ada@", "@example.com", "a b@example.com", "a@b", 'a"b@example.com', "a@example.com\n"])(
    "refuses %j",
    (email) => {
      expect(isEmailAddress(normaliseEmail(email)) && !email.includes("\n")).toBe(false);
    },
  );
});
