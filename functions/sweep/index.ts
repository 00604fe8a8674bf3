// PLACEHOLDER: replaced by the sweep issue
export async function handler(): Promise<never> {
  throw new Error('sweep not built yet');
}
