import type { Duties, TaskRequest } from '../contracts/human-tasks';
import type { OpenTask } from './human-tasks';

/** E-mail addresses compare without case. */
export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** Where a task stands in an approval chain: four eyes hold within its stage and round. */
type Approval = TaskRequest['approval'];

/**
 * Separation of duties for one run's tasks, as a process states it (`Duties`): the people the run is about never
 * decide nor receive its tasks; in an approval chain, unless the process allows it, one person holds at most one task
 * of a stage and approves at most once in a round; a task goes only to people the process allows (its domains and
 * people; unset, the holder's own domain), never back to someone who held it. Each answer is why not, or undefined.
 */
export function separationOfDuties(about: string[], duties: Duties, tasks: () => OpenTask[]) {
  /** Why a person may not take part in an approval (approving: approve it), leaving `task` itself out of the count. */
  const whyNotIn = (approval: Approval, person: string, approving: boolean, task?: OpenTask): string | undefined => {
    if (about.some((subject) => same(subject, person))) return `${person} is who this run is about, and may not take part in its tasks`;
    if (!approval || duties.onePersonMayApproveTwice) return undefined;
    const others = tasks().filter(
      (other) => other !== task && other.request.approval?.round === approval.round && other.closed !== 'withdrawn',
    );
    if (others.some((other) => other.request.approval!.stage === approval.stage && !other.decision && same(other.holder, person)))
      return `${person} already holds another task of the ${approval.stage} stage`;
    if (approving && others.some((other) => other.decision?.decision === 'approve' && same(other.decision.decidedBy, person)))
      return `${person} has already approved in this round: another person must approve here`;
    return undefined;
  };

  /** Why a person may not decide (approving: approve) or hold this task. */
  const whyNot = (task: OpenTask, person: string, approving: boolean) => whyNotIn(task.request.approval, person, approving, task);

  /**
   * Why a task may not be handed to this person (a delegation), in words for the person handing it: one answer for
   * every reason, so it tells nothing of another person's duties.
   */
  const whyNotHandTo = (task: OpenTask, person: string): string | undefined => {
    const { domains = [], people = [] } = duties.delegateTo ?? { domains: [domainOf(task.holder)] };
    const allowed = domains.some((domain) => same(domain, domainOf(person))) || people.some((allowed) => same(allowed, person));
    if (allowed && !task.heldBy.some((holder) => same(holder, person)) && !whyNot(task, person, true)) return undefined;
    return `"${task.request.name}" cannot go to ${person}: this process's separation of duties does not allow it`;
  };

  /** Why a person may not take a seat in a stage about to open, to approve in it. */
  const whyNotSeat = (approval: NonNullable<Approval>, person: string) => whyNotIn(approval, person, true);

  return { whyNot, whyNotHandTo, whyNotSeat };
}
