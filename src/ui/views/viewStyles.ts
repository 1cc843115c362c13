// Shared look of the lab's stage views (corpus, pretrain, persona): calm cards on a two-column grid that
// stacks at tablet width, one button style, visible keyboard focus, and small explanatory text.
import { css } from 'lit';

/**
 * The controls every view and widget shares: one button style (plain, primary, disabled), form fields in
 * the page's font, visible keyboard focus, small explanatory notes and refusals. Views and widgets add
 * their own size or weight on top.
 */
export const controlStyles = css`
  button,
  select,
  input {
    font: inherit;
    font-size: 0.9rem;
  }
  /* A long option (a run's name and date) must not widen a phone's page. */
  select {
    max-width: 100%;
  }
  button {
    border: 1px solid #b9b9b2;
    background: #fff;
    border-radius: 6px;
    padding: 0.35rem 0.8rem;
    cursor: pointer;
  }
  button.primary {
    background: #0072b2;
    border-color: #0072b2;
    color: #fff;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  :is(button, select, input, textarea, summary):focus-visible {
    outline: 3px solid #0072b2;
    outline-offset: 2px;
  }
  .note {
    color: #555;
    font-size: 0.85rem;
  }
  .refusal {
    color: #9a3b00;
  }
`;

/** The bench views' own page shape: sections headed by h2, the first one flush with the top. */
export const benchStyles = css`
  :host {
    display: block;
  }
  h2 {
    font-size: 1.1rem;
    margin: 1.2rem 0 0.5rem;
  }
  h2:first-child {
    margin-top: 0;
  }
`;

/** A label stacked over its field, for the bench views' small forms. */
export const stackedLabelStyles = css`
  label {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    font-size: 0.85rem;
    color: #333;
    max-width: 100%;
  }
`;

/**
 * A frame that a wide table scrolls sideways in on a narrow screen, so the page itself never does. Give
 * it tabindex="0", role="region" and a label: a keyboard can then focus it and scroll with the arrows.
 */
export const scrollFrameStyles = css`
  .scroll {
    overflow-x: auto;
  }
  .scroll:focus-visible {
    outline: 3px solid #0072b2;
    outline-offset: 2px;
  }
`;

/**
 * The results' tables of numbers (the shift and effects tables, the direction's layers, the user's probes,
 * the class pool): one look, in a block host. The first column is the row's header; numbers align right in tabular figures; the caption
 * explains the columns below the table; `.ci` greys an interval beside its mean.
 */
export const numbersTableStyles = css`
  :host {
    display: block;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.85rem;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: left;
    font-size: 0.8rem;
    color: #555;
    caption-side: bottom;
    padding-top: 0.4rem;
  }
  th,
  td {
    padding: 0.35rem 0.5rem;
    border-bottom: 1px solid #e4e4de;
    text-align: right;
    white-space: nowrap;
  }
  th:first-child,
  td:first-child {
    text-align: left;
  }
  thead th {
    font-weight: 600;
    color: #333;
    border-bottom: 2px solid #c9c9c2;
  }
  .ci {
    color: #666;
  }
`;

export const viewStyles = css`
  ${controlStyles}
  :host {
    display: block;
    color: #1d1d1f;
    line-height: 1.45;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 0.4rem;
  }
  h3 {
    font-size: 1rem;
    margin: 0 0 0.5rem;
  }
  p {
    margin: 0.3rem 0 0.6rem;
  }
  .lead {
    color: #3b3b3b;
    max-width: 60rem;
    margin-bottom: 1rem;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 1rem;
    align-items: start;
  }
  .wide {
    grid-column: 1 / -1;
  }
  @media (max-width: 900px) {
    .grid {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .card {
    background: #fff;
    border: 1px solid #deded8;
    border-radius: 8px;
    padding: 0.9rem 1rem;
    min-width: 0;
  }
  button {
    color: inherit;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  table {
    border-collapse: collapse;
    font-size: 0.88rem;
    width: 100%;
  }
  th,
  td {
    padding: 0.25rem 0.45rem;
    border-bottom: 1px solid #e6e6e0;
    text-align: right;
    vertical-align: top;
  }
  th:first-child,
  td:first-child {
    text-align: left;
  }
  th {
    font-weight: 600;
    color: #333;
  }
  .scroll {
    overflow-x: auto;
  }
  .swatch {
    display: inline-block;
    width: 0.75rem;
    height: 0.75rem;
    border-radius: 2px;
    margin-right: 0.35rem;
    vertical-align: -0.05rem;
  }
  .figure {
    font-size: 1.5rem;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1.5rem;
  }
  .figures > div {
    min-width: 7rem;
  }
  .figures .name {
    font-size: 0.8rem;
    color: #555;
  }
  .text {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 0.85rem;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    background: #f6f6f2;
    border-radius: 6px;
    padding: 0.5rem 0.6rem;
    margin: 0.3rem 0;
  }
  .message {
    border-radius: 6px;
    padding: 0.5rem 0.7rem;
    margin: 0.5rem 0;
    font-size: 0.9rem;
  }
  .message.warn {
    background: #fff4d6;
    border: 1px solid #e6c25c;
  }
  .message.ok {
    background: #e6f4ee;
    border: 1px solid #009e73;
  }
  .message.bad {
    background: #fde8e4;
    border: 1px solid #d55e00;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
