// Every load shows: a bar at the top runs while any request is in flight, and the page says it is
// busy (aria-busy) so a screen reader and a browser test can wait on it.
let inFlight = 0;

function render(): void {
  const bar = document.querySelector('[data-testid="progress"]');
  bar?.classList.toggle('active', inFlight > 0);
  document.body.setAttribute('aria-busy', String(inFlight > 0));
}

export async function tracked<T>(work: Promise<T>): Promise<T> {
  inFlight += 1;
  render();
  try {
    return await work;
  } finally {
    inFlight -= 1;
    render();
  }
}
