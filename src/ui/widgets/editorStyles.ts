// The look of the user's editors (condition, probes, persona, domain sentences): a form of stacked
// labels and text areas, a list of what was added with a remove button each, and the refusal in
// the validator's words.
import { css } from 'lit';

export const editorStyles = css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 0.5rem;
  }
  .pair {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: 0.5rem;
  }
  textarea {
    font:
      0.85rem/1.35 ui-monospace,
      monospace;
    width: 100%;
    box-sizing: border-box;
    min-height: 4.2rem;
  }
  input[type='text'],
  input[type='number'] {
    width: 100%;
    box-sizing: border-box;
  }
  ul.added {
    padding-left: 1.1rem;
    margin: 0.3rem 0;
  }
  ul.added li {
    margin: 0.15rem 0;
  }
  .refusal {
    white-space: pre-wrap;
  }
`;
