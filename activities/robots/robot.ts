import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { JSHandle, Page } from 'puppeteer-core';
import { type ControlKind, type PageState, clickFound, findNamed, pageState, setValues, tableRows, trimmedText } from './in-page';
import { type Evidence, keepEvidence } from './evidence';
import type { Portal } from './portal';
import { whileBeating } from '../heartbeat';

/** A portal's answer that retrying cannot change: a validation message, refused credentials. */
export class PortalRefused extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

/** The portal sent the robot to its sign-in page instead of taking the form: nothing was saved. */
class SessionEnded extends Error {}

const quoted = (texts: string[]) => texts.map((text) => `"${text}"`).join(' ');

/**
 * A robot's hands on one portal page, in the portal's own words: fields are found by their label, buttons by their
 * name and tables by their caption, as a clerk finds them, and every action waits for what it needs instead of
 * sleeping.
 * Each named step is reported in the activity's heartbeat, so an operator sees where a robot is.
 */
export class Robot {
  private current = 'start';

  constructor(
    readonly page: Page,
    private readonly portal: Portal,
  ) {
    page.setDefaultTimeout(portal.pageTimeoutMs);
  }

  /** Where the robot is, for heartbeats and failure messages. */
  get where(): string {
    return this.current;
  }

  async step<T>(name: string, action: () => Promise<T>): Promise<T> {
    this.current = name;
    Context.current().heartbeat({ step: name });
    const started = performance.now();
    const result = await action();
    this.portal.log.debug({ robot: this.portal.name, step: name, ms: Math.round(performance.now() - started) }, 'robot step');
    return result;
  }

  /** Opens a page of the portal, signing in first if the session has expired or never began. */
  async open(path: string): Promise<void> {
    await this.go(path);
    if ((await this.state()).asksToSignIn) {
      await this.signIn();
      await this.go(path);
    }
  }

  /**
   * Fills in the fields with these labels (text boxes, or drop-downs whose option it picks), in order, once the page
   * shows them all: one round trip to Chromium for the whole form, as a clerk fills it in before saving.
   */
  async fillIn(fields: Record<string, string>): Promise<void> {
    const labels = Object.keys(fields);
    const controls = await this.findAll('field', labels);
    const refused = await controls.evaluate(setValues, Object.values(fields));
    if (refused) throw new Error(`the field "${labels[refused[0]]}" ${refused[1]}`);
  }

  /** Clicks the button with this name and waits for the page it leads to; the portal's validation messages refuse. */
  async submit(button: string): Promise<void> {
    const { asksToSignIn, alerts } = await this.press(button);
    if (asksToSignIn) throw new SessionEnded(`${this.portal.name} ended its session before "${button}" was pressed`);
    if (alerts.length > 0) throw new PortalRefused(`${this.portal.name} refused it: ${quoted(alerts)}`, 'PortalRefused');
  }

  /** The value the portal shows under this label (an `output` element), e.g. an id it generated. */
  async read(label: string): Promise<string> {
    return (await this.findAll('field', [label])).evaluate(trimmedText);
  }

  /** The rows of the table with this caption, each as column header → cell text. */
  async table(caption: string): Promise<Array<Record<string, string>>> {
    return (await this.findAll('table', [caption])).evaluate(tableRows);
  }

  /**
   * The elements of this kind and these names, once the page has them all. A page the robot has just loaded usually
   * has them: one look first, then a wait that re-checks whenever the page changes (each round trip to Chromium costs
   * it CPU, a wait several).
   */
  private async findAll(kind: ControlKind, names: string[]): Promise<JSHandle<Element[]>> {
    // A page that navigates meanwhile (a script's redirect) fails the look: the wait below outlasts navigations.
    const shown = await this.page.evaluateHandle(findNamed, kind, names).catch(() => undefined);
    if (shown && shown.remoteObject().subtype !== 'null') return shown as JSHandle<Element[]>;
    const found = await this.page.waitForFunction(findNamed, { polling: 'mutation' }, kind, names).catch((error: unknown) => {
      const missing = names.map((name) => `"${name}"`).join(', ');
      throw new Error(`no ${kind} ${missing} on ${this.page.url()} (${error instanceof Error ? error.message : String(error)})`);
    });
    return found as JSHandle<Element[]>;
  }

  /**
   * Clicks the button with this name and waits for the page it leads to (a 5xx is the portal's trouble); says what
   * that page asks or tells.
   */
  private async press(button: string): Promise<PageState> {
    const control = await this.findAll('button', [button]);
    const navigation = this.page.waitForNavigation();
    navigation.catch(() => undefined); // awaited below, unless the click is refused
    const refused = await control.evaluate(clickFound);
    if (refused) throw new Error(`the button "${button}" ${refused}`);
    const response = await navigation;
    this.checkStatus(response?.status());
    return this.state();
  }

  /** What the page shows now: whether it asks to sign in, and its alerts. */
  private state(): Promise<PageState> {
    return this.page.evaluate(pageState);
  }

  private async go(path: string): Promise<void> {
    const response = await this.page.goto(new URL(path, this.portal.access.url).href);
    this.checkStatus(response?.status());
  }

  private checkStatus(status: number | undefined): void {
    // 5xx is the portal's trouble, retried; 4xx pages carry validation messages, read by the caller.
    if (status !== undefined && status >= 500) throw new Error(`${this.portal.name} answered HTTP ${status}`);
  }

  private async signIn(): Promise<void> {
    const { user, password } = this.portal.access;
    const { userLabel, passwordLabel, button } = this.portal.signIn;
    await this.fillIn({ [userLabel]: user, [passwordLabel]: password });
    const { asksToSignIn, alerts } = await this.press(button);
    if (asksToSignIn)
      throw new PortalRefused(`${this.portal.name} refused the sign-in as ${user}: ${quoted(alerts)}`, 'PortalSignInRefused');
  }
}

/**
 * Runs one robot task on a portal: within the portal's concurrency and rate limits, in a fresh browser context from
 * the worker's pool. A failure keeps a screenshot and the page's HTML in the document store and names them; a
 * portal's refusal fails without retry and quotes the portal, anything else (a 502, a page that never loads) is
 * retried with backoff. A cancelled activity (the run was withdrawn) stops at once.
 */
export function runRobot<T>(portal: Portal, task: string, work: (robot: Robot) => Promise<T>): Promise<T> {
  const { cancelled } = Context.current();
  let robot: Robot | undefined;
  // Beats while it waits for a portal slot or a page and while it works; each beat says where the robot is.
  return whileBeating(
    () =>
      portal.limiter.schedule(() =>
        portal.browser.withPage(async (page) => {
          const onPage = new Robot(page, portal);
          robot = onPage;
          // A session that ends while the robot types (portals end them after a while, whatever the robot is doing)
          // costs one more go on the same page, signed in again: the task looks for what it saved first.
          const session = work(onPage).catch((error: unknown) => {
            if (!(error instanceof SessionEnded)) throw error;
            return work(onPage);
          });
          try {
            const done = await Promise.race([session, cancelled]);
            portal.health.succeeded();
            return done;
          } catch (error) {
            session.catch(() => undefined);
            if (error instanceof ApplicationFailure || error instanceof CancelledFailure) throw error;
            const evidence = await keepEvidence(portal.pool, page).catch(() => undefined);
            const failure = robotFailure(portal, task, robot.where, error, evidence);
            if (failure.type === PORTAL_UNAVAILABLE)
              await portal.health.failed().catch((trouble: unknown) => portal.log.warn({ err: trouble }, 'the portal was not paused'));
            throw failure;
          }
          // Each portal's pages stay signed in as its robot user; no other session shares them.
        }, portal.name),
      ),
    () => ({ step: robot?.where ?? 'waiting for the portal' }),
  );
}

/** A portal that answered no page (a 502, a page that never loads): retried, and counted by its health check. */
const PORTAL_UNAVAILABLE = 'PortalUnavailable';

function robotFailure(portal: Portal, task: string, where: string, error: unknown, evidence?: Evidence): ApplicationFailure {
  const cause = error instanceof Error ? error.message : String(error);
  const kept = evidence
    ? ` Evidence: screenshot ${evidence.screenshot}, page ${evidence.html} (save one with: officeflow document <key>).`
    : '';
  const message = `${portal.name} robot could not ${task} at step "${where}": ${cause}.${kept}`;
  const details = evidence ? [evidence] : [];
  return error instanceof PortalRefused
    ? ApplicationFailure.create({ message, type: error.type, nonRetryable: true, details })
    : ApplicationFailure.create({ message, type: PORTAL_UNAVAILABLE, details });
}
