import { graphql as graphqlLanguage, updateSchema } from "cm6-graphql";
import { basicSetup, EditorView } from "codemirror";
import type { GraphQLSchema } from "graphql";
import { useEffect, useRef } from "react";

interface Props {
  /** The document the editor starts with; later changes come from the user only. */
  initialValue: string;
  schema: GraphQLSchema | undefined;
  onChange(value: string): void;
  /** The accessible name of the editable area. */
  label: string;
}

/** A CodeMirror 6 editor for one GraphQL document, with completion and validation from `schema` (cm6-graphql). */
export function GraphqlEditor({ initialValue, schema, onChange, label }: Props) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest callback, so the editor, made once, never calls a stale one.
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      doc: initialValue,
      parent: parent.current!,
      extensions: [
        basicSetup,
        graphqlLanguage(schema),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current(update.state.doc.toString());
        }),
      ],
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Made once per mount: the document then belongs to the editor, the schema arrives below.
  }, []);

  useEffect(() => {
    if (view.current && schema) updateSchema(view.current, schema);
  }, [schema]);

  return <div className="graphql-editor" ref={parent} />;
}
