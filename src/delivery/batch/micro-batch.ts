import DataLoader from "dataloader";

export interface MicroBatchOptions {
  /** How long a batch stays open for more calls once the first arrives; 0: until the event loop has run what is ready. */
  readonly windowMs: number;
  /** Larger batches are split: one statement's input stays bounded. */
  readonly maxBatchSize: number;
}

/**
 * Calls made by the deliveries in hand within one short window, answered by one call of `run`
 * (one statement for all of them). DataLoader does the collecting; no cache, so every call
 * reads or writes afresh. `run` answers in the order of its inputs; an Error in its answer
 * rejects that one call only.
 */
export function microBatch<In, Out>(
  run: (inputs: readonly In[]) => Promise<readonly (Out | Error)[]>,
  options: MicroBatchOptions,
): (input: In) => Promise<Out> {
  const loader = new DataLoader<In, Out>(async (inputs) => run(inputs), {
    cache: false,
    maxBatchSize: options.maxBatchSize,
    // setImmediate runs after every promise continuation that is ready: the jobs the local queue
    // handed out together have all made their call by then.
    batchScheduleFn: options.windowMs > 0 ? (dispatch) => setTimeout(dispatch, options.windowMs) : (dispatch) => setImmediate(dispatch),
  });
  return (input) => loader.load(input);
}
