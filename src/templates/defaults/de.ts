import type { LocaleCopy } from './types.js';

export const de: LocaleCopy = {
  lang: 'de',
  codeNote: 'Der Code läuft in Kürze ab und kann nur einmal verwendet werden. Geben Sie ihn niemals weiter – wir werden Sie nie danach fragen.',
  linkFallback: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diesen Link in Ihren Browser:',
  footer: 'Diese E-Mail wurde automatisch versendet. Bitte antworten Sie nicht darauf.',
  types: {
    SignIn: {
      subject: 'Ihr Anmeldecode',
      intro: 'Geben Sie diesen Bestätigungscode ein, um sich anzumelden:',
      ignore: 'Falls Sie nicht versucht haben, sich anzumelden, können Sie diese E-Mail ignorieren.',
      sms: 'Ihr Anmeldecode lautet {{code}}. Er läuft bald ab. Geben Sie ihn niemals weiter.',
    },
    Register: {
      subject: 'Ihr Code zur Registrierung',
      intro: 'Geben Sie diesen Bestätigungscode ein, um Ihre E-Mail-Adresse zu bestätigen und die Registrierung abzuschließen:',
      ignore: 'Falls Sie sich nicht registrieren wollten, können Sie diese E-Mail ignorieren.',
      sms: 'Ihr Code zur Registrierung lautet {{code}}. Er läuft bald ab. Geben Sie ihn niemals weiter.',
    },
    ForgotPassword: {
      subject: 'Ihr Code zum Zurücksetzen des Passworts',
      intro: 'Geben Sie diesen Bestätigungscode ein, um Ihr Passwort zurückzusetzen:',
      ignore: 'Falls Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. Ihr Passwort bleibt unverändert.',
      sms: 'Ihr Code zum Zurücksetzen des Passworts lautet {{code}}. Nicht angefordert? Dann ignorieren Sie diese SMS.',
    },
    Generic: {
      subject: 'Ihr Bestätigungscode',
      intro: 'Geben Sie diesen Bestätigungscode ein, um fortzufahren:',
      ignore: 'Falls Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren.',
      sms: 'Ihr Bestätigungscode lautet {{code}}. Er läuft bald ab. Geben Sie ihn niemals weiter.',
    },
    OrganizationInvitation: {
      subject: 'Einladung zu einer Organisation',
      intro: 'Sie wurden eingeladen, einer Organisation beizutreten. Klicken Sie auf die Schaltfläche, um die Einladung anzunehmen.',
      button: 'Einladung annehmen',
      ignore: 'Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.',
      sms: 'Sie wurden in eine Organisation eingeladen. Einladung annehmen: {{link}}',
    },
    UserPermissionValidation: {
      subject: 'Bestätigen Sie, dass Sie es sind',
      intro: 'Zum Schutz Ihres Kontos müssen wir vor Änderungen an den Kontoeinstellungen bestätigen, dass Sie es sind. Geben Sie dazu diesen Code ein:',
      ignore: 'Falls Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. An Ihrem Konto wird nichts geändert.',
      sms: 'Ihr Code zur Bestätigung Ihrer Identität lautet {{code}}. Nicht angefordert? Dann ignorieren Sie diese SMS.',
    },
    BindNewIdentifier: {
      subject: 'Bestätigen Sie Ihre neue E-Mail-Adresse',
      intro: 'Geben Sie diesen Bestätigungscode ein, um diese E-Mail-Adresse zu bestätigen und mit Ihrem Konto zu verknüpfen:',
      ignore: 'Falls Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren. Die Adresse wird mit keinem Konto verknüpft.',
      sms: 'Ihr Code zur Bestätigung dieser Telefonnummer lautet {{code}}. Geben Sie ihn niemals weiter.',
    },
    MfaVerification: {
      subject: 'Ihr Code für die Zwei-Faktor-Authentifizierung',
      intro: 'Geben Sie diesen Code ein, um die Anmeldung mit Zwei-Faktor-Authentifizierung abzuschließen:',
      ignore: 'Falls Sie nicht versucht haben, sich anzumelden, versucht möglicherweise jemand anderes, auf Ihr Konto zuzugreifen. Wir empfehlen Ihnen, Ihr Passwort zu ändern.',
      sms: 'Ihr Code für die Zwei-Faktor-Authentifizierung lautet {{code}}. Geben Sie ihn niemals weiter.',
    },
    BindMfa: {
      subject: 'Zwei-Faktor-Authentifizierung einrichten',
      intro: 'Geben Sie diesen Code ein, um diese E-Mail-Adresse für die Zwei-Faktor-Authentifizierung einzurichten:',
      ignore: 'Falls Sie das nicht angefordert haben, können Sie diese E-Mail ignorieren.',
      sms: 'Ihr Code zum Einrichten der Zwei-Faktor-Authentifizierung lautet {{code}}. Geben Sie ihn niemals weiter.',
    },
  },
};
