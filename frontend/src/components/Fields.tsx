import { Field, Input, type InputProps } from "@fluentui/react-components";
import { useState } from "react";
import { useT, type MessageKey } from "../i18n";

/** Tracks which fields were left (blurred), so errors show once the user is done typing there. */
export function useTouched(): [(k: string) => boolean, (k: string) => void, () => void] {
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  return [
    (k) => Boolean(touched[k] || touched["*"]),
    (k) => setTouched((t) => (t[k] ? t : { ...t, [k]: true })),
    () => setTouched({ "*": true }),
  ];
}

interface TextFieldProps {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  error?: MessageKey;
  show: boolean;
  onBlur: () => void;
  required?: boolean;
  placeholder?: string;
  type?: InputProps["type"];
  autoFocus?: boolean;
  contentAfter?: InputProps["contentAfter"];
  className?: string;
}

/** A labelled input with its inline error; Fluent wires label and error to the input for screen readers. */
export function TextField(p: TextFieldProps) {
  const t = useT();
  const showErr = p.error && (p.show || p.value !== "");
  return (
    <Field
      label={p.label}
      hint={p.hint}
      required={p.required}
      validationState={showErr ? "error" : "none"}
      validationMessage={showErr && p.error ? t(p.error) : undefined}
      className={p.className}
    >
      <Input
        data-testid={`field-${p.id}`}
        name={p.id}
        value={p.value}
        type={p.type}
        placeholder={p.placeholder}
        autoFocus={p.autoFocus}
        contentAfter={p.contentAfter}
        onChange={(_, d) => p.onChange(d.value)}
        onBlur={p.onBlur}
      />
    </Field>
  );
}
