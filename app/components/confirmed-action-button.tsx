// A button that destroys something only after the person confirms. With JavaScript it asks in a dialog, then posts;
// without, the same form is a plain GET of a page that asks, whose own button then posts. Nothing goes on one click.
import { Form, useSubmit } from "@remix-run/react";
import type { ReactNode } from "react";

export function ConfirmedActionButton({
  askAt,
  question,
  post,
  label,
  children,
  className,
}: {
  /** The page that asks without JavaScript, and the fields it is asked with (a GET). */
  askAt: { action: string; fields: Record<string, string> };
  /** What the dialog asks with JavaScript. */
  question: string;
  /** What a confirmed click posts, and where. */
  post: { action: string; fields: Record<string, string> };
  /** The button's accessible name; it starts with its visible text. */
  label: string;
  children: ReactNode;
  className: string;
}) {
  const submit = useSubmit();
  return (
    <Form
      method="get"
      action={askAt.action}
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (window.confirm(question)) submit(post.fields, { method: "post", action: post.action });
      }}
    >
      {Object.entries(askAt.fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} aria-label={label}>
        {children}
      </button>
    </Form>
  );
}
